using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BankAccounts.Api.Tests;

/// <summary>Thin helpers over raw HTTP: requests are built by hand so the wire contract itself is what is tested.</summary>
/// <param name="http">The customer's client: every account it opens is its own.</param>
/// <param name="teller">Opens the customer's accounts that have an overdraft (a customer cannot grant itself credit).</param>
public sealed class AccountsClient(HttpClient http, HttpClient? teller = null)
{
    public HttpClient Http => http;

    /// <summary>The same helpers as the bank's teller.</summary>
    public AccountsClient AsTeller => new(teller ?? throw new InvalidOperationException("This client has no teller."));

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public Task<HttpResponseMessage> Post(string path, string? json, string? idempotencyKey = null, string? ifMatch = null) =>
        Post(path, json is null ? null : Json(json), idempotencyKey, ifMatch);

    public async Task<HttpResponseMessage> Post(string path, HttpContent? content, string? idempotencyKey = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await http.SendAsync(request);
    }

    /// <summary>
    /// Opens an account of the customer and returns its id (asserting the 201); one with an
    /// overdraft is opened by the teller for the customer.
    /// </summary>
    public async Task<string> Open(string owner = "Ada", string currency = "EUR", decimal overdraftLimit = 0m, string? idempotencyKey = null)
    {
        var opener = overdraftLimit > 0m && teller is not null ? new AccountsClient(teller) : this;
        var customer = opener == this ? "" : $$""", "customerId": "{{ApiTestHost.CustomerSubject}}" """;
        using var response = await opener.Post("/accounts",
            $$"""{ "owner": {{JsonSerializer.Serialize(owner)}}, "currency": "{{currency}}", "overdraftLimit": {{overdraftLimit}}{{customer}} }""",
            idempotencyKey);
        var body = await Expect(response, HttpStatusCode.Created);
        return body.GetProperty("accountId").GetString()!;
    }

    public async Task<JsonElement> Deposit(string id, decimal amount, string? idempotencyKey = null)
    {
        using var response = await Post($"/accounts/{id}/deposits", $$"""{ "amount": {{amount}} }""", idempotencyKey);
        return await Expect(response, HttpStatusCode.OK);
    }

    public async Task<JsonElement> Withdraw(string id, decimal amount)
    {
        using var response = await Post($"/accounts/{id}/withdrawals", $$"""{ "amount": {{amount}} }""");
        return await Expect(response, HttpStatusCode.OK);
    }

    /// <summary>The account from the read model once it holds at least <paramref name="minVersion"/>.</summary>
    public async Task<JsonElement> Get(string id, long minVersion)
    {
        using var response = await http.GetAsync($"/accounts/{id}?minVersion={minVersion}");
        return await Expect(response, HttpStatusCode.OK);
    }

    /// <summary>How many events the journal holds for the account (0 when it was never opened).</summary>
    public async Task<int> EventCount(string id)
    {
        using var response = await http.GetAsync($"/accounts/{id}/events?limit=1000");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return 0;
        }
        var body = await Expect(response, HttpStatusCode.OK);
        return body.GetProperty("items").GetArrayLength();
    }

    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        var isJson = response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json";
        return isJson && text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    /// <summary>Asserts an RFC 7807 answer and returns its body.</summary>
    public static async Task<JsonElement> ExpectProblem(HttpResponseMessage response, HttpStatusCode status, string? type = null)
    {
        var problem = await Expect(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        if (type is not null)
        {
            Assert.Equal("urn:bank-accounts:problem:" + type, problem.GetProperty("type").GetString());
        }
        Assert.False(problem.TryGetProperty("exception", out _));
        Assert.DoesNotContain("   at ", problem.GetRawText());
        return problem;
    }

    public static string? ETag(HttpResponseMessage response) => response.Headers.ETag?.ToString();

    public static MediaTypeHeaderValue? ContentType(HttpResponseMessage response) => response.Content.Headers.ContentType;
}
