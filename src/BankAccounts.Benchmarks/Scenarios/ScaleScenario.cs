using System.Diagnostics;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using BankAccounts.Domain;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// Scenario 5 (opt-in): open S accounts (default one million) on one node. Idle accounts are
/// passivated after a short timeout, so memory follows the accounts in use, not the accounts that
/// exist. Then a long-idle account is activated again.
/// </summary>
internal sealed class ScaleScenario : IScenario
{
    private const long TargetRss = 4L * 1024 * 1024 * 1024;
    private const int ColdSamples = 20;

    public string Name => "scale";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        await using var store = await BenchmarkStore.CreateAsync(options, "scale");
        ResetPeakResident();
        var before = ProcessMemory.Resident();
        await using var host = await WriteSideHost.StartAsync(store, o => o.Accounts.PassivateIdleAfter = options.ScalePassivateAfter);

        var ids = new AccountId[options.ScaleAccounts];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = AccountId.New();
        }
        var peak = 0L;
        var maxLive = 0;
        var opened = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            var tick = 0;
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessMemory.Resident());
                if (++tick % 40 == 0)
                {
                    var live = await host.LiveEntitiesAsync();
                    maxLive = Math.Max(maxLive, live);
                    context.Log($"scale: {Volatile.Read(ref opened):N0} opened, {live:N0} alive, RSS {ProcessMemory.Resident() / 1048576.0:N0} MiB");
                }
                await Task.Delay(250);
            }
        });

        var result = await LoadDriver.ClosedLoopAsync(ids.Length, options.Concurrency, async i =>
        {
            var ok = await host.SendAsync(new AccountCommands.OpenAccount(ids[i], CommandId.New(), $"scale-owner-{i}", Workload.Currency)) is CommandAccepted;
            Interlocked.Increment(ref opened);
            return ok;
        });
        await stop.CancelAsync();
        await sampler;
        var liveAtEnd = await host.LiveEntitiesAsync();
        context.Log($"scale: {result}; peak RSS {Math.Max(peak, ProcessMemory.PeakResident()) / 1048576.0:N0} MiB, {liveAtEnd:N0} alive at the end");

        // Accounts opened in the first tenth have been idle far longer than the passivation timeout.
        var cold = new List<double>();
        for (var i = 0; i < ColdSamples; i++)
        {
            var account = ids[Random.Shared.Next(ids.Length / 10)];
            var started = Stopwatch.GetTimestamp();
            var state = await host.StateOfAsync(account);
            cold.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (state.Status != AccountStatus.Open)
            {
                throw new InvalidOperationException($"Account {account} came back {state.Status}.");
            }
        }
        cold.Sort();

        var peakRss = Math.Max(peak, ProcessMemory.PeakResident());
        var report = context.Report;
        report.Add(new ResultRow(Name, $"open {ids.Length:N0} accounts", result.Elapsed.TotalSeconds, "s",
            Comparison: $"{result.PerSecond:N0} accounts/s, {result.Errors} errors"));
        report.Add(new ResultRow(Name, $"peak RSS (passivation after {options.ScalePassivateAfter.TotalSeconds:0} s idle)", peakRss / 1048576.0, "MiB",
            "≤ 4,096 MiB", peakRss <= TargetRss && result.Errors == 0, $"{maxLive:N0} accounts alive at most, {liveAtEnd:N0} at the end; {before / 1048576.0:N0} MiB before"));
        report.Add(new ResultRow(Name, "activate a random cold account, median", cold[cold.Count / 2], "ms",
            Comparison: $"max {cold[^1]:0.0} ms of {ColdSamples}"));
        report.Detail("scale", new { result, peakRss, before, maxLive, liveAtEnd, cold, passivateAfter = options.ScalePassivateAfter });
    }

    /// <summary>Resets the kernel's peak RSS (VmHWM) so earlier scenarios do not count; ignored where unsupported.</summary>
    private static void ResetPeakResident()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The sampled peak is used instead.
        }
    }
}
