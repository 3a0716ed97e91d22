using System.Net;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>Idempotency-Key makes retries safe; If-Match/ETag give optimistic concurrency.</summary>
public sealed class IdempotencyAndVersioningSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    [Fact]
    public async Task Should_return_the_original_response_and_persist_nothing_when_a_deposit_is_retried_with_the_same_key()
    {
        var id = await _api.Open();
        using var first = await _api.Post($"/accounts/{id}/deposits", """{ "amount": 10 }""", idempotencyKey: "deposit-1");
        var original = await Expect(first, HttpStatusCode.OK);
        await _api.Deposit(id, 5m);

        using var retry = await _api.Post($"/accounts/{id}/deposits", """{ "amount": 10 }""", idempotencyKey: "deposit-1");

        Assert.Equal(original.GetRawText(), (await Expect(retry, HttpStatusCode.OK)).GetRawText());
        Assert.Equal(ETag(first), ETag(retry));
        Assert.Equal(3, await _api.EventCount(id));
        Assert.Equal(15m, (await _api.Get(id, minVersion: 3)).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Should_replay_a_declined_withdrawal_as_the_same_422_when_retried_with_the_same_key()
    {
        var id = await _api.Open();
        using var first = await _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 10 }""", idempotencyKey: "withdraw-1");
        var original = await ExpectProblem(first, HttpStatusCode.UnprocessableEntity, "insufficient-funds");
        await _api.Deposit(id, 50m);

        using var retry = await _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 10 }""", idempotencyKey: "withdraw-1");

        var replayed = await ExpectProblem(retry, HttpStatusCode.UnprocessableEntity, "insufficient-funds");
        Assert.Equal(original.GetProperty("version").GetInt64(), replayed.GetProperty("version").GetInt64());
        Assert.Equal(0m, replayed.GetProperty("balance").GetDecimal());
        Assert.Equal(3, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_return_the_original_close_response_when_a_close_is_retried_with_the_same_key()
    {
        var id = await _api.Open();
        using var first = await _api.Post($"/accounts/{id}/close", (string?)null, idempotencyKey: "close-1");
        var original = await Expect(first, HttpStatusCode.OK);

        using var retry = await _api.Post($"/accounts/{id}/close", (string?)null, idempotencyKey: "close-1");

        Assert.Equal(original.GetRawText(), (await Expect(retry, HttpStatusCode.OK)).GetRawText());
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Theory]
    [InlineData("withdrawals", """{ "amount": 10 }""")]
    [InlineData("deposits", """{ "amount": 11 }""")]
    public async Task Should_answer_422_and_persist_nothing_when_a_key_is_reused_for_a_different_request(string command, string json)
    {
        var id = await _api.Open();
        await _api.Deposit(id, 10m, idempotencyKey: "key-1");

        using var response = await _api.Post($"/accounts/{id}/{command}", json, idempotencyKey: "key-1");

        await ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_treat_the_same_key_on_different_accounts_as_different_commands()
    {
        var first = await _api.Open();
        var second = await _api.Open();

        await _api.Deposit(first, 10m, idempotencyKey: "shared-key");
        var body = await _api.Deposit(second, 10m, idempotencyKey: "shared-key");

        Assert.Equal(10m, body.GetProperty("balance").GetDecimal());
        Assert.Equal(2, await _api.EventCount(second));
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("2")]
    public async Task Should_apply_a_command_whose_If_Match_names_the_current_version(string ifMatch)
    {
        var id = await _api.Open();
        await _api.Deposit(id, 10m);

        using var response = await _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 4 }""", ifMatch: ifMatch);

        var body = await Expect(response, HttpStatusCode.OK);
        Assert.Equal((6m, 3L), (body.GetProperty("balance").GetDecimal(), body.GetProperty("version").GetInt64()));
    }

    [Theory]
    [InlineData("deposits", """{ "amount": 1 }""")]
    [InlineData("withdrawals", """{ "amount": 1 }""")]
    [InlineData("close", null)]
    public async Task Should_answer_412_with_the_current_version_and_persist_nothing_when_If_Match_is_stale(string command, string? json)
    {
        var id = await _api.Open();
        await _api.Deposit(id, 10m);

        using var response = await _api.Post($"/accounts/{id}/{command}", json, ifMatch: "\"1\"");

        var problem = await ExpectProblem(response, HttpStatusCode.PreconditionFailed, "version-mismatch");
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_serve_the_quoted_version_as_ETag_that_If_Match_accepts()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 10m);
        await _api.Get(id, minVersion: 2);

        using var read = await _api.Http.GetAsync($"/accounts/{id}");
        await Expect(read, HttpStatusCode.OK);
        Assert.Equal("\"2\"", ETag(read));

        using var write = await _api.Post($"/accounts/{id}/deposits", """{ "amount": 1 }""", ifMatch: ETag(read));
        await Expect(write, HttpStatusCode.OK);
        Assert.Equal("\"3\"", ETag(write));
    }

    [Fact]
    public async Task Should_let_exactly_one_of_two_writers_with_the_same_If_Match_win()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 10m);

        var responses = await Task.WhenAll(
            _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 4 }""", ifMatch: "\"2\""),
            _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 4 }""", ifMatch: "\"2\""));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
        Assert.Equal(3, await _api.EventCount(id));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
