using System.Net;
using System.Text.Json;
using BankAccounts.Domain;
using BankAccounts.Domain.Security;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>
/// The two money defects of release 1, replayed black-box as they were found.
/// Both fail on release 1: the first lost the refund (A ended at 51 instead of 101, never closable),
/// the second applied a retried deposit twice (balance 200).
/// </summary>
public sealed class MoneyDefectRegressionSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    public static TheoryData<string> StepNames => [Domain.Transfer.RefundStep, Domain.Transfer.SettleStep, Domain.Transfer.DebitStep, Domain.Transfer.CreditStep];

    [Theory]
    [MemberData(nameof(StepNames))]
    public async Task Should_never_let_a_client_key_take_a_transfer_steps_id_so_a_refund_still_comes_back(string step)
    {
        var transferKey = "t-" + Guid.NewGuid().ToString("N");
        var a = await _api.Open(currency: "EUR");
        await _api.Deposit(a, 100m);
        var b = await _api.Open(currency: "USD");
        // The step id a client could predict: from the transfer key alone (release 1) and from the caller and the key.
        foreach (var transfer in new[] { TransferId.DeriveFrom(transferKey), TransferId.DeriveFrom(Caller, transferKey) })
        {
            await _api.Deposit(a, 1m, idempotencyKey: transfer.StepCommandId(step).Value);
        }

        using var requested = await Transfer(a, b, 50m, transferKey);
        var id = (await Expect(requested, HttpStatusCode.Accepted)).GetProperty("transferId").GetString()!;
        var outcome = await Final(id);

        Assert.Equal("failed", outcome.GetProperty("status").GetString());
        Assert.Contains("refunded", outcome.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()));
        var events = await StoredTypes(a);
        Assert.Contains("TransferRefunded.v2", events);
        var balance = (await _api.Get(a, minVersion: events.Count)).GetProperty("balance").GetDecimal();
        Assert.Equal(102m, balance); // 100 + the two deposits; the 50 came back
        // Nothing is left pending: the account empties and closes.
        using var withdrawn = await _api.Post($"/accounts/{a}/withdrawals", $$"""{ "amount": {{balance}} }""");
        await Expect(withdrawn, HttpStatusCode.OK);
        using var closed = await _api.Post($"/accounts/{a}/close", (string?)null);
        await Expect(closed, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_complete_and_settle_both_accounts_even_when_clients_used_the_settle_keys_first()
    {
        var transferKey = "t-" + Guid.NewGuid().ToString("N");
        var (a, b) = (await _api.Open(), await _api.Open());
        await _api.Deposit(a, 100m);
        var transfer = TransferId.DeriveFrom(Caller, transferKey);
        await _api.Deposit(a, 1m, idempotencyKey: transfer.StepCommandId(Domain.Transfer.SettleStep).Value);
        await _api.Deposit(b, 1m, idempotencyKey: transfer.StepCommandId(Domain.Transfer.SettleDestinationStep).Value);

        using var requested = await Transfer(a, b, 50m, transferKey);
        var id = (await Expect(requested, HttpStatusCode.Accepted)).GetProperty("transferId").GetString()!;

        Assert.Equal("completed", (await Final(id)).GetProperty("status").GetString());
        foreach (var (account, expected) in new[] { (a, 51m), (b, 51m) })
        {
            var events = await StoredTypes(account);
            Assert.Contains("TransferSettled.v2", events);
            Assert.Equal(expected, (await _api.Get(account, minVersion: events.Count)).GetProperty("balance").GetDecimal());
            using var withdrawn = await _api.Post($"/accounts/{account}/withdrawals", $$"""{ "amount": {{expected}} }""");
            await Expect(withdrawn, HttpStatusCode.OK);
            using var closed = await _api.Post($"/accounts/{account}/close", (string?)null);
            await Expect(closed, HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Should_honour_a_key_after_256_later_commands_on_the_account_so_a_retry_is_never_applied_twice()
    {
        var account = await _api.Open();
        using var first = await _api.Post($"/accounts/{account}/deposits", """{ "amount": 100 }""", "salary-1");
        var original = await Expect(first, HttpStatusCode.OK);
        // Someone else (here the bank's teller: customers cannot reach this account) floods it with declined withdrawals.
        var teller = _api.AsTeller;
        for (var i = 0; i < RecentCommands.Capacity; i++)
        {
            using var declined = await teller.Post($"/accounts/{account}/withdrawals", """{ "amount": 1000000000 }""");
            await ExpectProblem(declined, HttpStatusCode.UnprocessableEntity, "insufficient-funds");
        }

        using var retry = await _api.Post($"/accounts/{account}/deposits", """{ "amount": 100 }""", "salary-1");

        Assert.Equal(original.GetRawText(), (await Expect(retry, HttpStatusCode.OK)).GetRawText());
        Assert.Equal(RecentCommands.Capacity + 2, await _api.EventCount(account));
        Assert.Equal(100m, (await _api.Get(account, minVersion: RecentCommands.Capacity + 2)).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Should_keep_keys_of_different_callers_apart()
    {
        var account = await _api.Open();
        var key = "same-" + Guid.NewGuid().ToString("N");

        using var mine = await _api.Post($"/accounts/{account}/deposits", """{ "amount": 5 }""", key);
        using var tellers = await _api.AsTeller.Post($"/accounts/{account}/deposits", """{ "amount": 7 }""", key);

        await Expect(mine, HttpStatusCode.OK);
        Assert.Equal(12m, (await Expect(tellers, HttpStatusCode.OK)).GetProperty("balance").GetDecimal());
        Assert.Equal(3, await _api.EventCount(account));
    }

    private static Principal Caller => new(ApiTestHost.CustomerSubject, Role.Customer);

    private Task<HttpResponseMessage> Transfer(string from, string to, decimal amount, string key) =>
        _api.Post("/transfers", $$"""{ "fromAccountId": "{{from}}", "toAccountId": "{{to}}", "amount": {{amount}} }""", key);

    private async Task<JsonElement> Final(string transferId) =>
        await Eventually.Until(
            async () =>
            {
                using var response = await _api.Http.GetAsync($"/transfers/{transferId}");
                return await Expect(response, HttpStatusCode.OK);
            },
            body => body.GetProperty("status").GetString() != "pending",
            TimeSpan.FromSeconds(30), $"transfer {transferId} is no longer pending");

    private async Task<List<string>> StoredTypes(string account)
    {
        using var response = await _api.Http.GetAsync($"/accounts/{account}/events?limit=1000");
        return [.. (await Expect(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];
    }
}
