using System.Diagnostics;
using Akka.Actor;
using BankAccounts.Actors.Chain;
using BankAccounts.Actors.Serialization;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using BankAccounts.Domain;
using BankAccounts.Domain.Security;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// The write-path cost of the tamper-evident hash chain: CPU to seal one event (stamp the link,
/// serialize once, SHA-256) against serializing alone, and actor-path throughput with the chain on and off
/// in the same run (<c>AccountsOptions.ChainEvents</c>, a code-only switch).
/// </summary>
internal sealed class ChainScenario : IScenario
{
    private const int SealedEvents = 200_000;

    public string Name => "chain";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        var report = context.Report;
        var runs = new Dictionary<bool, LoadResult>();
        // Off first, then on: a warm machine favours the second run, so the chain's cost is not overstated.
        foreach (var chained in new[] { false, true })
        {
            await using var store = await BenchmarkStore.CreateAsync(options, chained ? "chain-on" : "chain-off");
            await using var host = await WriteSideHost.StartAsync(store, o => o.Accounts.ChainEvents = chained);
            var accounts = await Workload.OpenAccountsAsync(host, options.Accounts, options.Concurrency);
            await LoadDriver.ClosedLoopAsync(Math.Min(options.Deposits / 5, 10_000), options.Concurrency,
                _ => Workload.DepositAsync(host, accounts[Random.Shared.Next(accounts.Length)]));
            var run = await LoadDriver.ClosedLoopAsync(options.Deposits, options.Concurrency,
                _ => Workload.DepositAsync(host, accounts[Random.Shared.Next(accounts.Length)]));
            Workload.EnsureNoErrors(run, "depositing");
            context.Log($"actor path, chain {(chained ? "on" : "off")}: {run}");
            runs[chained] = run;
            if (chained)
            {
                var (seal, serialize) = SealingCost(host.System);
                context.Log($"sealing: {seal:N2} µs CPU per event; serializing alone {serialize:N2} µs");
                report.Add(new ResultRow(Name, "sealing one event (link + serialize once + SHA-256)", seal, "µs",
                    Comparison: $"serializing alone {serialize:N2} µs: the chain adds {seal - serialize:N2} µs"));
            }
        }
        var (off, on) = (runs[false], runs[true]);
        report.Add(new ResultRow(Name, $"deposits/s, chain off ({options.Accounts:N0} accounts, C={options.Concurrency})", off.PerSecond, "/s",
            Comparison: $"p50 {off.Latency.P50:0.0} ms, p99 {off.Latency.P99:0.0} ms, {off.CpuPerOperation:N0} µs CPU/op"));
        report.Add(new ResultRow(Name, "deposits/s, chain on", on.PerSecond, "/s",
            Comparison: $"{on.PerSecond / off.PerSecond - 1:+0.0%;-0.0%} vs off; p50 {on.Latency.P50:0.0} ms, p99 {on.Latency.P99:0.0} ms, {on.CpuPerOperation:N0} µs CPU/op"));
        report.Detail(Name, new { off, on });
    }

    /// <summary>CPU per sealed event, and per plain serialization of the same event, single-threaded.</summary>
    private static (double Seal, double Serialize) SealingCost(ActorSystem system)
    {
        var template = new MoneyDeposited(new Money(10m, Currency.EUR), "bench", CommandId.New(), DateTimeOffset.UtcNow)
        {
            Metadata = new EventMetadata(Principal.System, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        };
        var serializer = system.Serialization.FindSerializerFor(template);
        var chain = new EventChain(system, "account-bench", enabled: true);
        Measure(() => chain.Seal([template]), SealedEvents / 10);
        Measure(() => serializer.ToBinary(template with { }), SealedEvents / 10);
        return (Measure(() => chain.Seal([template]), SealedEvents), Measure(() => serializer.ToBinary(template with { }), SealedEvents));
    }

    private static double Measure(Action action, int times)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < times; i++)
        {
            action();
        }
        return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / times;
    }
}
