using System.Net;
using BankAccounts.Domain;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

public sealed class OpenAccountSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    [Fact]
    public async Task Should_open_an_account_and_answer_201_with_its_location_body_and_ETag()
    {
        // Only a teller grants an overdraft, to a named customer.
        using var response = await _api.AsTeller.Post("/accounts", """{ "owner": "Ada", "currency": "EUR", "overdraftLimit": 50.5, "customerId": "test-customer" }""");

        var body = await Expect(response, HttpStatusCode.Created);
        var id = body.GetProperty("accountId").GetString()!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal($"/accounts/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", ETag(response));
        Assert.Equal("Ada", body.GetProperty("owner").GetString());
        Assert.Equal("EUR", body.GetProperty("currency").GetString());
        Assert.Equal(50.5m, body.GetProperty("overdraftLimit").GetDecimal());
        Assert.Equal(0m, body.GetProperty("balance").GetDecimal());
        Assert.Equal(1, body.GetProperty("version").GetInt64());

        var account = await _api.Get(id, minVersion: 1);
        Assert.Equal(("Ada", "EUR", "open", 50.5m), (
            account.GetProperty("owner").GetString(), account.GetProperty("currency").GetString(),
            account.GetProperty("status").GetString(), account.GetProperty("overdraftLimit").GetDecimal()));
    }

    [Fact]
    public async Task Should_default_the_overdraft_limit_to_zero()
    {
        using var response = await _api.Post("/accounts", """{ "owner": "Ada", "currency": "JPY" }""");

        var body = await Expect(response, HttpStatusCode.Created);
        Assert.Equal(0m, body.GetProperty("overdraftLimit").GetDecimal());
    }

    [Fact]
    public async Task Should_answer_the_same_201_and_open_one_account_when_a_create_is_retried_with_the_same_Idempotency_Key()
    {
        var key = "open-" + Guid.NewGuid().ToString("N");
        const string request = """{ "owner": "  Grace  ", "currency": "GBP" }""";

        using var first = await _api.Post("/accounts", request, key);
        using var retry = await _api.Post("/accounts", request, key);

        var firstBody = await Expect(first, HttpStatusCode.Created);
        var retryBody = await Expect(retry, HttpStatusCode.Created);
        Assert.Equal(firstBody.GetRawText(), retryBody.GetRawText());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        var id = firstBody.GetProperty("accountId").GetString()!;
        // The id derives from the caller and its key: another caller's same key opens another account.
        Assert.Equal(AccountId.DeriveFrom(new Domain.Security.Principal(ApiTestHost.CustomerSubject, Domain.Security.Role.Customer), key).ToString(), id);
        Assert.Equal("Grace", firstBody.GetProperty("owner").GetString());
        Assert.Equal(1, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_open_a_new_account_for_each_create_without_an_Idempotency_Key()
    {
        var first = await _api.Open();
        var second = await _api.Open();

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Should_answer_422_and_persist_nothing_when_an_Idempotency_Key_is_reused_for_a_different_create()
    {
        var key = "open-" + Guid.NewGuid().ToString("N");
        var id = await _api.Open(overdraftLimit: 0m, idempotencyKey: key);

        using var response = await _api.Post("/accounts", """{ "owner": "Ada", "currency": "USD" }""", key);

        await ExpectProblem(response, HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(1, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_still_answer_the_original_201_when_an_opening_is_retried_after_its_key_left_the_idempotency_window()
    {
        // Idempotency is a time contract: the command history answers for keys the entity's window forgot.
        var key = "open-" + Guid.NewGuid().ToString("N");
        var id = await _api.Open(idempotencyKey: key);
        await Task.WhenAll(Enumerable.Range(0, RecentCommands.Capacity).Select(_ => _api.Deposit(id, 1m)));
        var events = await _api.EventCount(id);

        using var response = await _api.Post("/accounts", """{ "owner": "Ada", "currency": "EUR", "overdraftLimit": 0 }""", key);

        var body = await Expect(response, HttpStatusCode.Created);
        Assert.Equal(id, body.GetProperty("accountId").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal(RecentCommands.Capacity + 1, events);
        Assert.Equal(events, await _api.EventCount(id));
    }

    [Theory]
    [InlineData("""{ "owner": "", "currency": "EUR" }""", "owner")]
    [InlineData("""{ "owner": "   ", "currency": "EUR" }""", "owner")]
    [InlineData("""{ "owner": null, "currency": "EUR" }""", "owner")]
    [InlineData("""{ "currency": "EUR" }""", "owner")]
    [InlineData("""{ "owner": 42, "currency": "EUR" }""", "owner")]
    [InlineData("""{ "owner": "Ada" }""", "currency")]
    [InlineData("""{ "owner": "Ada", "currency": "XYZ" }""", "currency")]
    [InlineData("""{ "owner": "Ada", "currency": "eur" }""", "currency")]
    [InlineData("""{ "owner": "Ada", "currency": "EUR", "overdraftLimit": -1 }""", "overdraftLimit")]
    [InlineData("""{ "owner": "Ada", "currency": "EUR", "overdraftLimit": 0.001 }""", "overdraftLimit")]
    [InlineData("""{ "owner": "Ada", "currency": "JPY", "overdraftLimit": 0.5 }""", "overdraftLimit")]
    [InlineData("""{ "owner": "Ada", "currency": "EUR", "overdraftLimit": 1000000001 }""", "overdraftLimit")]
    [InlineData("""{ "owner": "Ada", "currency": "EUR", "overdraftLimit": "10" }""", "overdraftLimit")]
    [InlineData("""{ "owner": "Ada", "currency": "EUR", "overdraft": 10 }""", "overdraft")]
    [InlineData("""{ "owner": "Ada", "currency": "EUR", "Owner": "Bob" }""", "Owner")]
    [InlineData("""{ "owner": "Ada\u0007", "currency": "EUR" }""", "owner")]
    [InlineData("""{ "owner": "Ada", "currency": "EUR" """, "body")]
    [InlineData("""[ "Ada", "EUR" ]""", "body")]
    public async Task Should_answer_400_and_open_nothing_for_an_invalid_create(string json, string field)
    {
        var key = "open-" + Guid.NewGuid().ToString("N");

        using var response = await _api.Post("/accounts", json, key);

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(0, await _api.EventCount(AccountId.DeriveFrom(key).ToString()));
    }

    [Fact]
    public async Task Should_answer_400_for_an_owner_longer_than_200_characters()
    {
        using var response = await _api.Post("/accounts", $$"""{ "owner": "{{new string('a', 201)}}", "currency": "EUR" }""");

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty("owner", out _));
    }

    [Fact]
    public async Task Should_give_each_field_error_its_stable_code_beside_the_message()
    {
        using var response = await _api.Post("/accounts", """{ "owner": " ", "currency": "XYZ" }""");

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        var codes = problem.GetProperty("codes");
        Assert.Equal("required", codes.GetProperty("owner")[0].GetString());
        Assert.Equal("unsupported_currency", codes.GetProperty("currency")[0].GetString());
        Assert.Equal("'owner' must not be empty.", problem.GetProperty("errors").GetProperty("owner")[0].GetString());
    }
}
