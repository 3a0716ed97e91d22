using System.Net;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// Scenario 2: deposits end to end over HTTP on loopback (the real <c>BankAccountsApp</c> on
/// Kestrel), many keep-alive connections: warm-up until the JIT is quiet (the first round reported as the
/// cold figure), maximum throughput, then a fixed rate at 80 % of it; first from <see cref="HttpClient"/>,
/// then the same from <see cref="LeanHttpClient"/>, a raw-socket generator that costs little.
/// </summary>
internal sealed class RestScenario : IScenario
{
    /// <summary>Round 1's target, with HttpClient as the load generator (issue 6).</summary>
    public const double TargetThroughput = 5_000;

    /// <summary>Round 2's target, with a load generator that costs little (issue 12).</summary>
    public const double LeanTargetThroughput = 8_000;
    public const double TargetP99 = 50;

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

        // Each generator warms up on accounts of its own, then measures its maximum and the fixed-rate phase on others.
        var warmUpAccounts = await HttpWorkload.OpenAccountsAsync(http, "bench-warm-up", options.Accounts, options.Connections);
        var accounts = await HttpWorkload.OpenAccountsAsync(http, "bench", options.Accounts, options.Connections);
        Func<int, Task<LoadResult>> DepositsOn(Guid[] set) => count => LoadDriver.ClosedLoopAsync(count, options.Connections, _ => HttpWorkload.DepositAsync(http, set));
        var budget = Workload.WarmUpBudget(options.Accounts);
        var warmUp = await SteadyState.WarmUpAsync(DepositsOn(warmUpAccounts), Math.Min(options.Deposits / 5, 10_000), context.Log, budget);
        context.Log($"REST {warmUp}");
        var clock = JitActivity.Start();
        var max = await DepositsOn(accounts)(options.Deposits);
        var jit = clock.Stop();
        context.Log($"REST max (HttpClient, steady state): {max}; JIT {jit}");
        Workload.EnsureNoErrors(max, "depositing over HTTP");

        var rate = 0.8 * max.PerSecond;
        var atRate = await LoadDriver.OpenLoopAsync(rate, options.RateDuration, options.Connections * 4, _ => HttpWorkload.DepositAsync(http, accounts));
        context.Log($"REST at {rate:N0}/s (80 % of max, HttpClient): {atRate}");

        // The same deposits from the lean raw-socket generator: the server's cost without HttpClient's.
        // Its requests are prebuilt per account: the first half of them warm up, the second half are measured.
        var leanAccounts = await HttpWorkload.OpenAccountsAsync(http, "bench-lean", 2 * options.Accounts, options.Connections);
        await using var lean = await LeanHttpClient.ConnectAsync(api.Address, options.Connections,
            [.. leanAccounts.Select(a => $"/accounts/{a}/deposits")],
            [$"Authorization: {api.Authorization}", "Content-Type: application/json"], HttpWorkload.DepositBody);
        async Task<bool> LeanDeposit(int _) => await lean.SendAsync(options.Accounts + Random.Shared.Next(options.Accounts)) == (int)HttpStatusCode.OK;
        async Task<bool> LeanWarmUpDeposit(int _) => await lean.SendAsync(Random.Shared.Next(options.Accounts)) == (int)HttpStatusCode.OK;
        var leanWarmUp = await SteadyState.WarmUpAsync(count => LoadDriver.ClosedLoopAsync(count, options.Connections, LeanWarmUpDeposit),
            Math.Min(options.Deposits / 5, 10_000), context.Log, budget);
        context.Log($"REST lean client {leanWarmUp}");
        clock = JitActivity.Start();
        var leanMax = await LoadDriver.ClosedLoopAsync(options.Deposits, options.Connections, LeanDeposit);
        var leanJit = clock.Stop();
        context.Log($"REST max (lean client, steady state): {leanMax}; JIT {leanJit}");
        Workload.EnsureNoErrors(leanMax, "depositing over HTTP with the lean client");
        var leanRate = 0.8 * leanMax.PerSecond;
        var leanAtRate = await LoadDriver.OpenLoopAsync(leanRate, options.RateDuration, options.Connections, LeanDeposit);
        context.Log($"REST at {leanRate:N0}/s (80 % of max, lean client): {leanAtRate}");

        var report = context.Report;
        report.Add(new ResultRow(Name, $"cold: deposits/s, first {warmUp.Cold.Operations:N0} after start (HttpClient)", warmUp.Cold.PerSecond, "/s",
            Comparison: $"{warmUp.Cold.CpuPerOperation:N0} µs CPU/request, p99 {warmUp.Cold.Latency.P99:0.0} ms"));
        report.Add(new ResultRow(Name, "warm-up until the JIT is quiet (HttpClient)", warmUp.Jit.Seconds, "s",
            Comparison: warmUp.Summary));
        report.Add(new ResultRow(Name, $"deposits/s, max, HttpClient ({options.Connections} connections)", max.PerSecond, "/s", $"≥ {TargetThroughput:N0}/s", max.PerSecond >= TargetThroughput,
            $"{max.CpuPerOperation:N0} µs CPU/request (client + server)" + (context.ActorThroughput is { } actor ? $"; {max.PerSecond / actor:P0} of the actor path" : "")));
        report.Add(new ResultRow(Name, "JIT time during the measured window (HttpClient)", jit.MillisecondsPerSecond, "ms/s",
            Comparison: $"{jit.Methods:N0} methods, {jit.Milliseconds:N0} ms in {jit.Seconds:0.0} s"));
        report.Add(new ResultRow(Name, "latency p50 at max", max.Latency.P50, "ms"));
        report.Add(new ResultRow(Name, "latency p95 at max", max.Latency.P95, "ms"));
        report.Add(new ResultRow(Name, "latency p99 at max", max.Latency.P99, "ms"));
        report.Add(new ResultRow(Name, $"latency p50 at 80 % ({rate:N0}/s, HttpClient)", atRate.Latency.P50, "ms"));
        report.Add(new ResultRow(Name, $"latency p99 at 80 % ({rate:N0}/s, HttpClient)", atRate.Latency.P99, "ms", $"< {TargetP99} ms", atRate.Latency.P99 < TargetP99 && atRate.Errors == 0));
        report.Add(new ResultRow(Name, $"deposits/s, max, lean raw-socket client ({options.Connections} connections)", leanMax.PerSecond, "/s",
            $"≥ {LeanTargetThroughput:N0}/s", leanMax.PerSecond >= LeanTargetThroughput,
            $"{leanMax.CpuPerOperation:N0} µs CPU/request (client + server); {leanMax.PerSecond / max.PerSecond:0.00}× HttpClient"));
        report.Add(new ResultRow(Name, "JIT time during the measured window (lean client)", leanJit.MillisecondsPerSecond, "ms/s",
            Comparison: $"{leanJit.Methods:N0} methods, {leanJit.Milliseconds:N0} ms in {leanJit.Seconds:0.0} s; its warm-up {leanWarmUp.Jit.Seconds:0.0} s"));
        report.Add(new ResultRow(Name, "latency p99 at max (lean client)", leanMax.Latency.P99, "ms"));
        report.Add(new ResultRow(Name, $"latency p50 at 80 % ({leanRate:N0}/s, lean client)", leanAtRate.Latency.P50, "ms"));
        report.Add(new ResultRow(Name, $"latency p99 at 80 % ({leanRate:N0}/s, lean client)", leanAtRate.Latency.P99, "ms", $"< {TargetP99} ms", leanAtRate.Latency.P99 < TargetP99 && leanAtRate.Errors == 0));
        report.Detail("rest", new { warmUp, max, jit, rate, atRate, leanWarmUp, leanMax, leanJit, leanRate, leanAtRate });

        await SecurityCosts.MeasureAsync(context, api, http);
    }

}
