using System.Net;
using System.Text.Json;
using BankAccounts.Domain.Security;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary><c>/transfers</c> over real HTTP: the process runs in the background, its outcome is polled.</summary>
public sealed class TransferSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    [Fact]
    public async Task Should_accept_a_transfer_with_202_and_complete_it()
    {
        var (from, to) = (await Funded(100m), await _api.Open());

        using var response = await Transfer(from, to, 40.25m, "Idempotency-Key-t1-" + Guid.NewGuid().ToString("N"), reference: "rent");
        var accepted = await Expect(response, HttpStatusCode.Accepted);
        var id = accepted.GetProperty("transferId").GetString()!;
        var done = await Outcome(id);

        Assert.Equal($"/transfers/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("pending", accepted.GetProperty("status").GetString());
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("EUR", done.GetProperty("currency").GetString());
        Assert.Equal(["requested", "debited", "credited", "settled", "destination-settled"], done.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()));
        Assert.Equal(59.75m, (await BalanceOnceSettled(from)).GetProperty("balance").GetDecimal());
        Assert.Equal(40.25m, (await _api.Get(to, minVersion: 2)).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Should_link_the_ledger_entries_and_list_the_transfer_on_both_accounts()
    {
        var (from, to) = (await Funded(10m), await _api.Open());
        using var response = await Transfer(from, to, 10m, null);
        var id = (await Expect(response, HttpStatusCode.Accepted)).GetProperty("transferId").GetString()!;
        await Outcome(id);

        foreach (var account in new[] { from, to })
        {
            var listed = await Eventually.Until(
                async () =>
                {
                    using var list = await _api.Http.GetAsync($"/accounts/{account}/transfers");
                    return await Expect(list, HttpStatusCode.OK);
                },
                body => body.GetProperty("items").EnumerateArray().Any(t => t.GetProperty("status").GetString() == "completed"),
                TimeSpan.FromSeconds(30), "the transfer is listed as completed");
            Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("transferId").GetString());
        }
        await _api.Get(to, minVersion: 2);
        using var ledger = await _api.Http.GetAsync($"/accounts/{to}/transactions");
        var credit = (await Expect(ledger, HttpStatusCode.OK)).GetProperty("items")[1];
        Assert.Equal(("TransferCredited", 10m), (credit.GetProperty("eventType").GetString(), credit.GetProperty("amount").GetDecimal()));
        Assert.Equal(id, credit.GetProperty("transferId").GetString());
    }

    [Fact]
    public async Task Should_fail_a_transfer_the_source_cannot_cover_and_record_the_decline()
    {
        var (from, to) = (await Funded(5m), await _api.Open());

        using var response = await Transfer(from, to, 5.01m, null);
        var done = await Outcome((await Expect(response, HttpStatusCode.Accepted)).GetProperty("transferId").GetString()!);

        Assert.Equal(("failed", "InsufficientFunds"), (done.GetProperty("status").GetString(), done.GetProperty("failureReason").GetString()));
        Assert.Equal(3, await _api.EventCount(from));
        Assert.Equal(1, await _api.EventCount(to));
    }

    [Fact]
    public async Task Should_refund_the_source_when_the_destination_holds_another_currency()
    {
        var (from, to) = (await Funded(50m), await _api.Open(currency: "USD"));

        using var response = await Transfer(from, to, 20m, null);
        var done = await Outcome((await Expect(response, HttpStatusCode.Accepted)).GetProperty("transferId").GetString()!);

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("refunded", done.GetProperty("steps").EnumerateArray().Last().GetProperty("step").GetString());
        Assert.Equal(50m, (await _api.Get(from, minVersion: 4)).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Should_answer_a_repeated_idempotency_key_with_the_same_transfer_and_move_the_money_once()
    {
        var (from, to) = (await Funded(100m), await _api.Open());
        var key = "transfer-" + Guid.NewGuid().ToString("N");

        using var first = await Transfer(from, to, 30m, key);
        using var second = await Transfer(from, to, 30m, key);
        using var different = await Transfer(from, to, 31m, key);
        var id = (await Expect(first, HttpStatusCode.Accepted)).GetProperty("transferId").GetString();
        await Outcome(id!);

        Assert.Equal(id, (await Expect(second, HttpStatusCode.Accepted)).GetProperty("transferId").GetString());
        await ExpectProblem(different, HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(70m, (await BalanceOnceSettled(from)).GetProperty("balance").GetDecimal());
    }

    [Theory]
    [InlineData("""{ "fromAccountId": "{from}", "toAccountId": "{from}", "amount": 1 }""", "toAccountId")]
    [InlineData("""{ "fromAccountId": "{from}", "toAccountId": "{to}", "amount": 0 }""", "amount")]
    [InlineData("""{ "fromAccountId": "{from}", "toAccountId": "{to}", "amount": -3 }""", "amount")]
    [InlineData("""{ "fromAccountId": "{from}", "toAccountId": "{to}", "amount": 2000000000 }""", "amount")]
    [InlineData("""{ "fromAccountId": "{from}", "toAccountId": "{to}", "amount": "5" }""", "amount")]
    [InlineData("""{ "fromAccountId": "not-a-guid", "toAccountId": "{to}", "amount": 5 }""", "fromAccountId")]
    [InlineData("""{ "toAccountId": "{to}", "amount": 5 }""", "fromAccountId")]
    [InlineData("""{ "fromAccountId": "{from}", "toAccountId": "{to}", "amount": 5, "extra": 1 }""", "extra")]
    public async Task Should_reject_a_malformed_transfer_with_400_and_move_nothing(string template, string field)
    {
        var (from, to) = (await Funded(10m), await _api.Open());

        using var response = await _api.Post("/transfers", template.Replace("{from}", from).Replace("{to}", to));

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(2, await _api.EventCount(from));
        Assert.Equal(1, await _api.EventCount(to));
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_transfer_and_400_for_a_malformed_id()
    {
        using var unknown = await _api.Http.GetAsync($"/transfers/{Guid.NewGuid()}");
        using var malformed = await _api.Http.GetAsync("/transfers/nope");

        await ExpectProblem(unknown, HttpStatusCode.NotFound, "transfer-not-found");
        await ExpectProblem(malformed, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task Should_decline_closing_an_account_with_a_pending_transfer_or_money_and_report_integrity()
    {
        var (from, to) = (await Funded(25m), await _api.Open());
        using var response = await Transfer(from, to, 25m, null);
        await Outcome((await Expect(response, HttpStatusCode.Accepted)).GetProperty("transferId").GetString()!);

        using var closeFrom = await _api.Post($"/accounts/{from}/close", (string?)null);
        using var closeTo = await _api.Post($"/accounts/{to}/close", (string?)null);
        await Expect(closeFrom, HttpStatusCode.OK);
        await ExpectProblem(closeTo, HttpStatusCode.UnprocessableEntity, "non-zero-balance");

        await _api.Get(to, minVersion: 3);
        using var auditor = host.ClientFor(Role.Auditor, "test-auditor");
        using var integrity = await auditor.GetAsync("/admin/integrity");
        var report = await Expect(integrity, HttpStatusCode.OK);
        Assert.True(report.GetProperty("consistent").GetBoolean(), report.GetRawText());
        Assert.Equal(0, report.GetProperty("drift").GetArrayLength());
        var eur = report.GetProperty("money").EnumerateArray().Single(m => m.GetProperty("currency").GetString() == "EUR");
        Assert.Equal(eur.GetProperty("netExternal").GetDecimal(), eur.GetProperty("total").GetDecimal());
    }

    private Task<HttpResponseMessage> Transfer(string from, string to, decimal amount, string? key, string? reference = null) =>
        _api.Post("/transfers",
            $$"""{ "fromAccountId": "{{from}}", "toAccountId": "{{to}}", "amount": {{amount}}, "reference": {{JsonSerializer.Serialize(reference)}} }""",
            key);

    private async Task<string> Funded(decimal amount)
    {
        var id = await _api.Open();
        await _api.Deposit(id, amount);
        return id;
    }

    private async Task<JsonElement> Outcome(string transferId) =>
        await Eventually.Until(
            async () =>
            {
                using var response = await _api.Http.GetAsync($"/transfers/{transferId}");
                return await Expect(response, HttpStatusCode.OK);
            },
            body => body.GetProperty("status").GetString() is "completed" or "failed",
            TimeSpan.FromSeconds(30), $"transfer {transferId} is completed or failed");

    /// <summary>The source account in the read model once its transfer is settled (debit + settle).</summary>
    private Task<JsonElement> BalanceOnceSettled(string account) => _api.Get(account, minVersion: 4);
}
