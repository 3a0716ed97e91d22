using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BankAccounts.Benchmarks.Measurement;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>The workload over HTTP, for the scenarios that drive the API as a client would.</summary>
internal static class HttpWorkload
{
    public static readonly byte[] DepositBody = Encoding.UTF8.GetBytes($$"""{"amount":{{Workload.DepositAmount}},"currency":"{{Workload.Currency}}"}""");

    /// <summary>
    /// Opens <paramref name="count"/> accounts, each for a customer of its own (<c>{prefix}-customer-{i}</c>), as the
    /// caller <paramref name="http"/> sends by default (the benchmark's teller).
    /// </summary>
    public static async Task<Guid[]> OpenAccountsAsync(HttpClient http, string prefix, int count, int concurrency)
    {
        var ids = new Guid[count];
        var result = await LoadDriver.ClosedLoopAsync(count, concurrency, async i =>
        {
            using var response = await http.PostAsJsonAsync("/accounts", new { owner = $"{prefix}-owner-{i}", currency = Workload.Currency, customerId = $"{prefix}-customer-{i}" });
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return false;
            }
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            ids[i] = body.RootElement.GetProperty("accountId").GetGuid();
            return true;
        });
        Workload.EnsureNoErrors(result, "opening accounts over HTTP");
        return ids;
    }

    /// <summary>A deposit to one of <paramref name="accounts"/> at random, with an idempotency key of its own.</summary>
    public static async Task<bool> DepositAsync(HttpClient http, Guid[] accounts)
    {
        var account = accounts[Random.Shared.Next(accounts.Length)];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/accounts/{account}/deposits")
        {
            Content = new ByteArrayContent(DepositBody) { Headers = { { "Content-Type", "application/json" } } },
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }
}
