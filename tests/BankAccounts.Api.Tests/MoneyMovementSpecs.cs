using System.Net;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

public sealed class MoneyMovementSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    [Fact]
    public async Task Should_deposit_and_answer_the_new_balance_version_and_ETag()
    {
        var id = await _api.Open();

        using var response = await _api.Post($"/accounts/{id}/deposits", """{ "amount": 100.25, "reference": "salary", "currency": "EUR" }""");

        var body = await Expect(response, HttpStatusCode.OK);
        Assert.Equal(id, body.GetProperty("accountId").GetString());
        Assert.Equal(100.25m, body.GetProperty("balance").GetDecimal());
        Assert.Equal(2, body.GetProperty("version").GetInt64());
        Assert.Equal("\"2\"", ETag(response));
    }

    [Fact]
    public async Task Should_withdraw_and_answer_the_new_balance()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 100.25m);

        using var response = await _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 40 }""");

        var body = await Expect(response, HttpStatusCode.OK);
        Assert.Equal(60.25m, body.GetProperty("balance").GetDecimal());
        Assert.Equal(3, body.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Should_allow_a_withdrawal_down_to_minus_the_overdraft_limit()
    {
        var id = await _api.Open(overdraftLimit: 10m);
        await _api.Deposit(id, 20m);

        var body = await _api.Withdraw(id, 30m);

        Assert.Equal(-10m, body.GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Should_decline_a_withdrawal_beyond_the_overdraft_with_422_and_record_the_decline()
    {
        var id = await _api.Open(overdraftLimit: 10m);
        await _api.Deposit(id, 20m);

        using var response = await _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 30.01 }""");

        var problem = await ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient-funds");
        Assert.Equal(3, problem.GetProperty("version").GetInt64());
        Assert.Equal(20m, problem.GetProperty("balance").GetDecimal());
        Assert.Equal("InsufficientFunds", problem.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        using var events = await _api.Http.GetAsync($"/accounts/{id}/events?from=3");
        var declined = Assert.Single((await Expect(events, HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal("WithdrawalDeclined.v2", declined.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Should_close_an_account_whose_balance_is_zero()
    {
        var id = await _api.Open();

        using var response = await _api.Post($"/accounts/{id}/close", (string?)null);

        var body = await Expect(response, HttpStatusCode.OK);
        Assert.Equal(("closed", 0m, 2L), (
            body.GetProperty("status").GetString(), body.GetProperty("balance").GetDecimal(), body.GetProperty("version").GetInt64()));
        Assert.Equal("closed", (await _api.Get(id, minVersion: 2)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_accept_an_empty_JSON_object_as_the_close_body()
    {
        var id = await _api.Open();

        using var response = await _api.Post($"/accounts/{id}/close", "{}");

        await Expect(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_decline_closing_an_account_with_a_balance_with_422()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 5m);

        using var response = await _api.Post($"/accounts/{id}/close", (string?)null);

        var problem = await ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "non-zero-balance");
        Assert.Equal(5m, problem.GetProperty("balance").GetDecimal());
        Assert.Equal(3, problem.GetProperty("version").GetInt64());
        Assert.Equal("NonZeroBalance", problem.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("deposits", """{ "amount": 1 }""")]
    [InlineData("withdrawals", """{ "amount": 1 }""")]
    [InlineData("close", null)]
    public async Task Should_answer_409_and_persist_nothing_for_a_command_to_a_closed_account(string command, string? json)
    {
        var id = await _api.Open();
        using var closed = await _api.Post($"/accounts/{id}/close", (string?)null);
        await Expect(closed, HttpStatusCode.OK);

        using var response = await _api.Post($"/accounts/{id}/{command}", json);

        await ExpectProblem(response, HttpStatusCode.Conflict, "account-closed");
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Theory]
    [InlineData("deposits", """{ "amount": 1 }""")]
    [InlineData("withdrawals", """{ "amount": 1 }""")]
    [InlineData("close", null)]
    public async Task Should_answer_404_and_persist_nothing_for_a_command_to_an_unknown_account(string command, string? json)
    {
        var id = Guid.NewGuid().ToString();

        using var response = await _api.Post($"/accounts/{id}/{command}", json);

        await ExpectProblem(response, HttpStatusCode.NotFound, "account-not-found");
        Assert.Equal(0, await _api.EventCount(id));
    }
}
