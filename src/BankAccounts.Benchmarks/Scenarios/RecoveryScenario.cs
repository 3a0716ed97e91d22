using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using BankAccounts.Domain;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// Scenario 3: how long an account takes to come back. One account with E events and no snapshot,
/// one with E events and snapshots, and A accounts activated at once; each measured in freshly
/// started hosts (nothing cached) whose shards were already allocated by other accounts, so the
/// time is entity start + recovery + the first answer.
/// </summary>
internal sealed class RecoveryScenario : IScenario
{
    private const int Repetitions = 3;
    private const int ColdAccountDeposits = 10;
    /// <summary>Accounts of 100 to 178 events (snapshot at 100, then 0 to 78 more), activated one at a time.</summary>
    private const int SnapshotSamples = 40;
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    public string Name => "recovery";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        var events = options.RecoveryEvents;
        await using var store = await BenchmarkStore.CreateAsync(options, "recovery");

        // Write: the same account history twice, once with snapshots switched off.
        var noSnapshot = AccountId.New();
        var withSnapshot = AccountId.New();
        await using (var host = await WriteSideHost.StartAsync(store, o => o.Accounts.SnapshotEvery = int.MaxValue))
        {
            await WriteHistoryAsync(host, noSnapshot, events);
        }
        AccountId[] cold;
        (AccountId Id, int Events)[] samples;
        await using (var host = await WriteSideHost.StartAsync(store))
        {
            await WriteHistoryAsync(host, withSnapshot, events);
            samples = await Task.WhenAll(Enumerable.Range(0, SnapshotSamples).Select(async i =>
            {
                var (sample, sampleEvents) = (AccountId.New(), 100 + 2 * i);
                await WriteHistoryAsync(host, sample, sampleEvents);
                return (sample, sampleEvents);
            }));
            cold = await Workload.OpenAccountsAsync(host, options.ColdAccounts, options.Concurrency);
            var deposits = await LoadDriver.ClosedLoopAsync(cold.Length * ColdAccountDeposits, options.Concurrency,
                i => Workload.DepositAsync(host, cold[i % cold.Length]));
            Workload.EnsureNoErrors(deposits, "writing the cold accounts");
            await Task.Delay(TimeSpan.FromSeconds(1)); // snapshots are saved after the replies
        }
        var snapshotAt = await LatestSnapshotAsync(store, withSnapshot);
        context.Log($"recovery: wrote {events:N0} events twice (latest snapshot at {snapshotAt:N0}) and {cold.Length:N0} accounts of {1 + ColdAccountDeposits} events");

        var single = new List<double>();
        var snapshotted = new List<double>();
        var empty = new List<double>();
        var loadSnapshot = new List<double>();
        var sampled = new List<double>();
        var coldWarmShards = new List<double>();
        var coldWithAllocation = new List<double>();
        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            // Right after start: shard allocation is part of the first activations.
            await using (var host = await WriteSideHost.StartAsync(store))
            {
                coldWithAllocation.Add(await ActivateAllAsync(host, cold));
            }
            await using (var host = await WriteSideHost.StartAsync(store))
            {
                await WarmAllShardsAsync(host);
                coldWarmShards.Add(await ActivateAllAsync(host, cold));
                // One at a time, with a pause in between, so one activation's garbage collection does not land in the next.
                await Task.Delay(Settle);
                empty.Add(await ActivateAsync(host, AccountId.New(), 0));
                await Task.Delay(Settle);
                snapshotted.Add(await ActivateAsync(host, withSnapshot, events));
                await Task.Delay(Settle);
                single.Add(await ActivateAsync(host, noSnapshot, events));
                loadSnapshot.Add(await LoadSnapshotAsync(host, withSnapshot));
                await Task.Delay(Settle);
                foreach (var (sample, sampleEvents) in samples)
                {
                    await Task.Delay(Settle / 10);
                    sampled.Add(await ActivateAsync(host, sample, sampleEvents));
                }
            }
            context.Log($"recovery #{repetition + 1}: {events:N0} events {single[^1]:0.0} ms, with snapshot {snapshotted[^1]:0.00} ms, " +
                $"{cold.Length:N0} cold accounts {coldWarmShards[^1]:0} ms ({coldWithAllocation[^1]:0} ms right after start)");
        }

        var report = context.Report;
        var replay = single.Min();
        var fromSnapshot = snapshotted.Min();
        var coldAll = coldWarmShards.Min();
        report.Add(new ResultRow(Name, $"activate 1 account of {events:N0} events, no snapshot", replay, "ms", "≤ 200 ms", replay <= 200,
            $"median {Median(single):0.0} ms of {Repetitions}"));
        report.Add(new ResultRow(Name, $"activate 1 account of {events:N0} events, snapshot", fromSnapshot, "ms", "≤ 5 ms", fromSnapshot <= 5,
            $"median {Median(snapshotted):0.00} ms of {Repetitions}; snapshot at {snapshotAt:N0} + {events - snapshotAt} events replayed; loading it alone through the snapshot store: {Median(loadSnapshot):0.00} ms; an account with no events at all: {Median(empty):0.00} ms; " +
            $"{SnapshotSamples} accounts with a snapshot at 100 and 0-{2 * (SnapshotSamples - 1)} later events, one at a time: median {Median(sampled):0.00} ms"));
        report.Add(new ResultRow(Name, $"activate {cold.Length:N0} cold accounts at once", coldAll, "ms", "≤ 1,000 ms", coldAll <= 1000,
            $"median {Median(coldWarmShards):0} ms; {coldWithAllocation.Min():0} ms incl. shard allocation after start"));
        report.Detail("recovery", new { events, single, snapshotted, empty, loadSnapshot, snapshotAt, sampled, coldWarmShards, coldWithAllocation, coldAccounts = cold.Length });
    }

    private static async Task WriteHistoryAsync(WriteSideHost host, AccountId account, int events)
    {
        if (await host.SendAsync(new AccountCommands.OpenAccount(account, CommandId.New(), "bench-recovery", Workload.Currency)) is not CommandAccepted)
        {
            throw new InvalidOperationException("Could not open the recovery account.");
        }
        // A few deposits in flight to one account (PersistAllAsync batches them). A snapshot that falls due
        // while the previous save runs is taken when it finishes, so the latest one ends near the last event.
        var result = await LoadDriver.ClosedLoopAsync(events - 1, 2, _ => Workload.DepositAsync(host, account));
        Workload.EnsureNoErrors(result, "writing the recovery history");
    }

    /// <summary>Milliseconds from the first message to a not-yet-running account until its answer.</summary>
    private static async Task<double> ActivateAsync(WriteSideHost host, AccountId account, int expectedVersion)
    {
        var started = Stopwatch.GetTimestamp();
        var state = await host.StateOfAsync(account);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (state.Version != expectedVersion)
        {
            throw new InvalidOperationException($"Recovered version {state.Version}, expected {expectedVersion}.");
        }
        return elapsed;
    }

    private static async Task<double> ActivateAllAsync(WriteSideHost host, AccountId[] accounts)
    {
        var started = Stopwatch.GetTimestamp();
        var states = await Task.WhenAll(accounts.Select(host.StateOfAsync));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (states.Any(s => s.Version != 1 + ColdAccountDeposits))
        {
            throw new InvalidOperationException("A cold account recovered the wrong version.");
        }
        return elapsed;
    }

    /// <summary>Allocates every shard by touching a never-opened account in it (recovers nothing).</summary>
    private static async Task WarmAllShardsAsync(WriteSideHost host)
    {
        var byShard = new Dictionary<string, AccountId>();
        while (byShard.Count < host.Options.Accounts.ShardCount)
        {
            var id = AccountId.New();
            byShard.TryAdd(host.ShardOf(id), id);
        }
        await Task.WhenAll(byShard.Values.Select(host.StateOfAsync));
    }

    /// <summary>Milliseconds the snapshot store takes to load the account's latest snapshot (query and deserialisation), alone.</summary>
    private static async Task<double> LoadSnapshotAsync(WriteSideHost host, AccountId account)
    {
        var snapshots = Akka.Persistence.Persistence.Instance.Apply(host.System).SnapshotStoreFor(null);
        var started = Stopwatch.GetTimestamp();
        var loaded = await snapshots.Ask<LoadSnapshotResult>(
            new LoadSnapshot(Actors.AccountPersistenceId.For(account), SnapshotSelectionCriteria.Latest, long.MaxValue), WriteSideHost.AskTimeout);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return loaded.Snapshot is null ? throw new InvalidOperationException("The snapshot was not found.") : elapsed;
    }

    private static async Task<long> LatestSnapshotAsync(BenchmarkStore store, AccountId account)
    {
        await using var connection = await store.OpenAsync(store.JournalConnectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = '{Actors.AccountPersistenceId.For(account)}'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
