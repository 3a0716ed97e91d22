using System.Net;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

public sealed class ConcurrencySpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private const decimal OverdraftLimit = 100m;

    private readonly AccountsClient _api = host.Accounts;

    private sealed record Movement(bool IsDeposit, decimal Amount);

    [Fact]
    public async Task Should_end_with_exactly_the_accepted_total_when_200_deposits_and_withdrawals_race_on_one_account()
    {
        var id = await _api.Open(overdraftLimit: OverdraftLimit);
        var random = new Random(20261122);
        // More is withdrawn than deposited, so many withdrawals must be declined along the way.
        var movements = Enumerable.Range(0, 200)
            .Select(_ => random.Next(2) == 0 ? new Movement(true, random.Next(1, 2000) / 100m) : new Movement(false, random.Next(1, 4000) / 100m))
            .ToList();

        var answers = await Task.WhenAll(movements.Select(async movement =>
        {
            using var response = await _api.Post(
                $"/accounts/{id}/{(movement.IsDeposit ? "deposits" : "withdrawals")}", $$"""{ "amount": {{movement.Amount}} }""");
            var body = response.StatusCode == HttpStatusCode.OK
                ? await Expect(response, HttpStatusCode.OK)
                : await ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient-funds");
            return (Movement: movement, response.StatusCode, Version: body.GetProperty("version").GetInt64());
        }));

        Assert.All(answers.Where(a => a.Movement.IsDeposit), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var accepted = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        var declines = answers.Count(a => a.StatusCode == HttpStatusCode.UnprocessableEntity);
        Assert.True(declines > 0, "the mix must provoke declines");
        Assert.Contains(accepted, a => !a.Movement.IsDeposit);
        var expected = accepted.Sum(a => a.Movement.IsDeposit ? a.Movement.Amount : -a.Movement.Amount);
        // Every command, accepted or declined, is exactly one event with its own version.
        Assert.Equal(Enumerable.Range(2, 200).Select(v => (long)v), answers.Select(a => a.Version).Order());

        var account = await _api.Get(id, minVersion: 201);
        Assert.Equal(201, account.GetProperty("version").GetInt64());
        Assert.Equal(expected, account.GetProperty("balance").GetDecimal());

        using var statement = await _api.Http.GetAsync($"/accounts/{id}/transactions?limit=1000");
        var entries = (await Expect(statement, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(201, entries.Count);
        Assert.All(entries, e => Assert.True(e.GetProperty("balanceAfter").GetDecimal() >= -OverdraftLimit, e.GetRawText()));
        Assert.Equal(expected, entries[^1].GetProperty("balanceAfter").GetDecimal());
        Assert.Equal(expected, entries.Sum(e => e.GetProperty("amount").GetDecimal()));
        Assert.Equal(declines, entries.Count(e => e.GetProperty("eventType").GetString() == "WithdrawalDeclined"));
        Assert.Equal(201, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_apply_a_concurrently_retried_deposit_exactly_once()
    {
        var id = await _api.Open();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            _api.Post($"/accounts/{id}/deposits", """{ "amount": 10 }""", idempotencyKey: "same-deposit")));

        var bodies = new List<string>();
        foreach (var response in responses)
        {
            bodies.Add((await Expect(response, HttpStatusCode.OK)).GetRawText());
            response.Dispose();
        }
        Assert.Single(bodies.Distinct());
        Assert.Equal(2, await _api.EventCount(id));
        Assert.Equal(10m, (await _api.Get(id, minVersion: 2)).GetProperty("balance").GetDecimal());
    }
}
