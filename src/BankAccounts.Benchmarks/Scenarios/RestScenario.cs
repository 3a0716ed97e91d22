using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// Scenario 2: deposits end to end over HTTP on loopback (the real <c>BankAccountsApp</c> on
/// Kestrel), many keep-alive connections: maximum throughput, then a fixed rate at 80 % of it.
/// </summary>
internal sealed class RestScenario : IScenario
{
    public const double TargetThroughput = 5_000;
    public const double TargetP99 = 50;

    private static readonly byte[] DepositBody = Encoding.UTF8.GetBytes($$"""{"amount":{{Workload.DepositAmount}},"currency":"{{Workload.Currency}}"}""");

    public string Name => "rest";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        await using var store = await BenchmarkStore.CreateAsync(options, "rest");
        await using var api = await ApiHost.StartAsync(store);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler)
        {
            BaseAddress = api.Address,
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestHeaders = { Authorization = api.Authorization },
        };

        var accounts = await OpenAccountsAsync(http, options.Accounts, options.Connections);
        var warmUp = await LoadDriver.ClosedLoopAsync(Math.Min(options.Deposits / 5, 10_000), options.Connections, _ => DepositAsync(http, accounts));
        context.Log($"REST warm-up: {warmUp}");
        var max = await LoadDriver.ClosedLoopAsync(options.Deposits, options.Connections, _ => DepositAsync(http, accounts));
        context.Log($"REST max: {max}");
        Workload.EnsureNoErrors(max, "depositing over HTTP");

        var rate = 0.8 * max.PerSecond;
        var atRate = await LoadDriver.OpenLoopAsync(rate, options.RateDuration, options.Connections * 4, _ => DepositAsync(http, accounts));
        context.Log($"REST at {rate:N0}/s (80 % of max): {atRate}");

        var report = context.Report;
        report.Add(new ResultRow(Name, $"deposits/s, max ({options.Connections} connections)", max.PerSecond, "/s", $"≥ {TargetThroughput:N0}/s", max.PerSecond >= TargetThroughput,
            context.ActorThroughput is { } actor ? $"{max.PerSecond / actor:P0} of the actor path" : null));
        report.Add(new ResultRow(Name, "latency p50 at max", max.Latency.P50, "ms"));
        report.Add(new ResultRow(Name, "latency p95 at max", max.Latency.P95, "ms"));
        report.Add(new ResultRow(Name, "latency p99 at max", max.Latency.P99, "ms"));
        report.Add(new ResultRow(Name, $"latency p50 at 80 % ({rate:N0}/s)", atRate.Latency.P50, "ms"));
        report.Add(new ResultRow(Name, $"latency p99 at 80 % ({rate:N0}/s)", atRate.Latency.P99, "ms", $"< {TargetP99} ms", atRate.Latency.P99 < TargetP99 && atRate.Errors == 0));
        report.Detail("rest", new { warmUp, max, rate, atRate });

        await SecurityCosts.MeasureAsync(context, api, http);
    }

    private static async Task<Guid[]> OpenAccountsAsync(HttpClient http, int count, int concurrency)
    {
        var ids = new Guid[count];
        var result = await LoadDriver.ClosedLoopAsync(count, concurrency, async i =>
        {
            using var response = await http.PostAsJsonAsync("/accounts", new { owner = $"bench-owner-{i}", currency = Workload.Currency, customerId = $"bench-customer-{i}" });
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

    private static async Task<bool> DepositAsync(HttpClient http, Guid[] accounts)
    {
        var account = accounts[Random.Shared.Next(accounts.Length)];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/accounts/{account}/deposits")
        {
            Content = new ByteArrayContent(DepositBody) { Headers = { { "Content-Type", "application/json" } } },
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        return response.StatusCode == HttpStatusCode.OK;
    }
}
