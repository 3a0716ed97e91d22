using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>The few HTTP calls the cluster tests make, against any node.</summary>
public static class BankApi
{
    /// <summary>Opens an account through a node's teller client, for a customer named after the owner.</summary>
    public static async Task<string> OpenAccountAsync(HttpClient node, string owner)
    {
        using var response = await node.PostAsync("/accounts", Json($$"""{ "owner": "{{owner}}", "currency": "EUR", "customerId": "customer-{{owner}}" }"""));
        var body = await ExpectAsync(response, HttpStatusCode.Created);
        return body.GetProperty("accountId").GetString()!;
    }

    /// <summary>Sends a deposit whose Idempotency-Key is its reference; returns the HTTP status.</summary>
    public static async Task<HttpResponseMessage> DepositAsync(HttpClient node, string accountId, decimal amount, string reference, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/accounts/{accountId}/deposits")
        {
            Content = Json($$"""{ "amount": {{amount.ToString(CultureInfo.InvariantCulture)}}, "reference": "{{reference}}" }"""),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", reference);
        return await node.SendAsync(request, cancellationToken);
    }

    /// <summary>The account's deposits exactly as the journal holds them (reference and amount), via the events endpoint.</summary>
    public static async Task<IReadOnlyList<(string Reference, decimal Amount)>> StoredDepositsAsync(HttpClient node, string accountId)
    {
        var deposits = new List<(string, decimal)>();
        var from = 1L;
        while (true)
        {
            using var response = await node.GetAsync($"/accounts/{accountId}/events?from={from}&limit=1000");
            var page = await ExpectAsync(response, HttpStatusCode.OK);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            foreach (var item in items.Where(i => i.GetProperty("type").GetString() == "MoneyDeposited.v2"))
            {
                var data = item.GetProperty("data");
                deposits.Add((data.GetProperty("reference").GetString()!, data.GetProperty("amount").GetProperty("amount").GetDecimal()));
            }
            if (items.Count < 1000)
            {
                return deposits;
            }
            from = items[^1].GetProperty("sequenceNr").GetInt64() + 1;
        }
    }

    /// <summary>The account as the read model shows it through this node, once it holds <paramref name="minVersion"/> (null while behind).</summary>
    public static async Task<(decimal Balance, long Version)?> ReadModelAccountAsync(HttpClient node, string accountId, long minVersion)
    {
        using var response = await node.GetAsync($"/accounts/{accountId}?minVersion={minVersion}");
        if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotFound)
        {
            return null;
        }
        var body = await ExpectAsync(response, HttpStatusCode.OK);
        return (body.GetProperty("balance").GetDecimal(), body.GetProperty("version").GetInt64());
    }

    public static async Task<IReadOnlyDictionary<string, long>> ProjectionOffsetsAsync(HttpClient node)
    {
        var body = await node.GetFromJsonAsync<JsonElement>("/admin/projections");
        return body.GetProperty("items").EnumerateArray().ToDictionary(p => p.GetProperty("projection").GetString()!, p => p.GetProperty("offset").GetInt64());
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }
}
