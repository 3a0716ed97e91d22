using System.Net;
using System.Text;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>
/// Every kind of bad input is answered with a 4xx problem (never a 500) and leaves the account's
/// event stream exactly as it was.
/// </summary>
public sealed class MalformedRequestSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    public static TheoryData<string, string, string> InvalidMovements => new()
    {
        { "deposits", """{ "amount": """, "body" },
        { "deposits", """{ "amount": 10 } trailing""", "body" },
        { "deposits", """{ "amount": 10, }""", "body" },
        { "deposits", """{ "amount": 10 /* comment */ }""", "body" },
        { "deposits", """{ "amount": "10" }""", "amount" },
        { "deposits", """{ "amount": null }""", "amount" },
        { "deposits", """{ "amount": true }""", "amount" },
        { "deposits", """{ "amount": 10, "memo": "x" }""", "memo" },
        { "deposits", """{ "Amount": 10 }""", "Amount" },
        { "deposits", """{ "amount": 10, "amount": 20 }""", "amount" },
        { "deposits", """{}""", "amount" },
        { "deposits", """{ "reference": "no amount" }""", "amount" },
        { "deposits", """[ 10 ]""", "body" },
        { "deposits", """null""", "body" },
        { "deposits", """10""", "body" },
        { "deposits", """{ "amount": 0 }""", "amount" },
        { "deposits", """{ "amount": -5 }""", "amount" },
        { "deposits", """{ "amount": 10.001 }""", "amount" },
        { "deposits", """{ "amount": 1000000001 }""", "amount" },
        { "deposits", """{ "amount": 1e40 }""", "amount" },
        { "deposits", """{ "amount": 10, "currency": "XYZ" }""", "currency" },
        { "deposits", """{ "amount": 10, "currency": "USD" }""", "currency" },
        { "deposits", """{ "amount": 10, "currency": 978 }""", "currency" },
        { "deposits", $$"""{ "amount": 10, "reference": "{{new string('r', 141)}}" }""", "reference" },
        { "deposits", """{ "amount": 10, "reference": "line\nbreak" }""", "reference" },
        { "withdrawals", """{ "amount": "10" }""", "amount" },
        { "withdrawals", """{ "amount": 0 }""", "amount" },
        { "withdrawals", """{ "amount": 10.005 }""", "amount" },
        { "withdrawals", """{ "amount": 10, "extra": 1 }""", "extra" },
        { "withdrawals", """{ "currency": "EUR" }""", "amount" },
        { "close", """{ "force": true }""", "force" },
        { "close", """{ "force": """, "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidMovements))]
    public async Task Should_answer_400_and_persist_nothing_for_an_invalid_body(string command, string json, string field)
    {
        var id = await OpenWithMoney();

        using var response = await _api.Post($"/accounts/{id}/{command}", json);

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.GetRawText());
        Assert.NotEqual(0, messages.GetArrayLength());
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Theory]
    [InlineData("deposits")]
    [InlineData("withdrawals")]
    public async Task Should_answer_400_and_persist_nothing_for_a_missing_body(string command)
    {
        var id = await OpenWithMoney();

        using var response = await _api.Post($"/accounts/{id}/{command}", new ByteArrayContent([]) { Headers = { { "Content-Type", "application/json" } } });

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_answer_400_and_persist_nothing_for_a_body_over_16_KiB()
    {
        var id = await OpenWithMoney();
        var json = $$"""{ "amount": 10, "reference": "{{new string('r', 16 * 1024)}}" }""";

        using var response = await _api.Post($"/accounts/{id}/deposits", json);

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("16 KiB", problem.GetProperty("detail").GetString());
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_answer_400_and_persist_nothing_for_a_chunked_body_over_16_KiB()
    {
        var id = await OpenWithMoney();
        var json = $$"""{ "amount": 10, "reference": "{{new string('r', 40 * 1024)}}" }""";
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");

        using var response = await _api.Post($"/accounts/{id}/deposits", content);

        await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_answer_400_and_persist_nothing_for_a_body_that_is_not_UTF8()
    {
        var id = await OpenWithMoney();
        var content = new ByteArrayContent([.. "{ \"amount\": 10, \"reference\": \""u8, 0xFF, 0xFE, .. "\" }"u8]);
        content.Headers.ContentType = new("application/json");

        using var response = await _api.Post($"/accounts/{id}/deposits", content);

        await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Theory]
    [InlineData("deposits", "text/plain")]
    [InlineData("deposits", "application/xml")]
    [InlineData("deposits", "application/x-www-form-urlencoded")]
    [InlineData("deposits", null)]
    [InlineData("withdrawals", "text/plain")]
    [InlineData("close", "text/plain")]
    public async Task Should_answer_415_and_persist_nothing_for_a_body_that_is_not_JSON(string command, string? contentType)
    {
        var id = await OpenWithMoney();
        var content = new ByteArrayContent("""{ "amount": 1 }"""u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = new(contentType);
        }

        using var response = await _api.Post($"/accounts/{id}/{command}", content);

        await ExpectProblem(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_answer_415_and_open_nothing_for_a_create_that_is_not_JSON()
    {
        var key = "open-" + Guid.NewGuid().ToString("N");
        var content = new StringContent("""{ "owner": "Ada", "currency": "EUR" }""", Encoding.UTF8, "text/plain");

        using var response = await _api.Post("/accounts", content, key);

        await ExpectProblem(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Equal(0, await _api.EventCount(Domain.AccountId.DeriveFrom(key).ToString()));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\tinside")]
    [InlineData("")]
    public async Task Should_answer_400_and_persist_nothing_for_an_invalid_Idempotency_Key(string key)
    {
        var id = await OpenWithMoney();

        using var response = await _api.Post($"/accounts/{id}/deposits", """{ "amount": 1 }""", idempotencyKey: key);

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Fact]
    public async Task Should_answer_400_for_an_Idempotency_Key_longer_than_128_characters()
    {
        var id = await OpenWithMoney();

        using var response = await _api.Post($"/accounts/{id}/deposits", """{ "amount": 1 }""", idempotencyKey: new string('k', 129));

        await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("W/\"2\"")]
    [InlineData("-1")]
    [InlineData("\"2")]
    [InlineData("*")]
    [InlineData("2.0")]
    [InlineData("\"1\", \"2\"")]
    public async Task Should_answer_400_and_persist_nothing_for_an_invalid_If_Match(string ifMatch)
    {
        var id = await OpenWithMoney();

        using var response = await _api.Post($"/accounts/{id}/deposits", """{ "amount": 1 }""", ifMatch: ifMatch);

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty("If-Match", out _));
        Assert.Equal(2, await _api.EventCount(id));
    }

    /// <summary>A lone surrogate escape is valid JSON syntax but no text: it cannot become a .NET string.</summary>
    [Theory]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""{"owner":"\ud800","currency":"EUR"}""")]
    [InlineData("""{"owner":"Ada","currency":"EUR","\udfff\ud800":null}""")]
    public async Task Should_answer_400_for_a_lone_surrogate_escape_in_a_name_or_a_value(string json)
    {
        using var open = await _api.Post("/accounts", json);
        var id = await OpenWithMoney();
        using var deposit = await _api.Post($"/accounts/{id}/deposits", json);

        await ExpectProblem(open, HttpStatusCode.BadRequest, "invalid-request");
        await ExpectProblem(deposit, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(2, await _api.EventCount(id));
    }

    [Theory]
    [InlineData("POST", "/accounts/not-a-guid/deposits")]
    [InlineData("POST", "/accounts/00000000-0000-0000-0000-000000000000/withdrawals")]
    [InlineData("POST", "/accounts/12345/close")]
    [InlineData("GET", "/accounts/not-a-guid")]
    [InlineData("GET", "/accounts/not-a-guid/transactions")]
    [InlineData("GET", "/accounts/not-a-guid/events")]
    public async Task Should_answer_400_for_a_malformed_account_id(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = Json("""{ "amount": 1 }""");
        }

        using var response = await _api.Http.SendAsync(request);

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("not a valid account id", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("?minVersion=abc")]
    [InlineData("?minVersion=-1")]
    [InlineData("/transactions?limit=0")]
    [InlineData("/transactions?limit=1001")]
    [InlineData("/transactions?limit=ten")]
    [InlineData("/transactions?after=-1")]
    [InlineData("/events?from=0")]
    [InlineData("/events?limit=0")]
    [InlineData("/events?limit=1001")]
    [InlineData("/events?from=x")]
    public async Task Should_answer_400_for_an_invalid_query_parameter(string suffix)
    {
        var id = await OpenWithMoney();

        using var response = await _api.Http.GetAsync($"/accounts/{id}{suffix}");

        await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Theory]
    [InlineData("/accounts")]
    [InlineData("/accounts?owner=")]
    [InlineData("/accounts?owner=Ada&limit=0")]
    [InlineData("/accounts?owner=Ada&limit=1001")]
    public async Task Should_answer_400_for_an_invalid_owner_search(string path)
    {
        using var response = await _api.Http.GetAsync(path);

        await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
    }

    private async Task<string> OpenWithMoney()
    {
        var id = await _api.Open(overdraftLimit: 0m);
        await _api.Deposit(id, 100m);
        return id;
    }

    /// <summary>Forces a chunked upload (no Content-Length), so the size limit must be enforced while reading.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
