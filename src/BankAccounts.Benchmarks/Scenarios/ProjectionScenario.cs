using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Actors;
using BankAccounts.Actors.Persistence;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// Scenario 4: the read side. Projection lag (event persisted, i.e. its command acknowledged →
/// the account-ledger projection's committed offset covers it) while deposits arrive at half the
/// actor path's maximum; then the journal is filled to R events and the projection rebuilt from zero.
/// </summary>
internal sealed class ProjectionScenario : IScenario
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(2);

    public string Name => "projection";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        await using var store = await BenchmarkStore.CreateAsync(options, "projection");
        var readModel = new ReadModelOptions { Provider = store.Provider, ConnectionString = store.ReadModelConnectionString };
        await using var host = await WriteSideHost.StartAsync(store, readModel: readModel);
        var control = host.Services.GetRequiredService<IProjectionControl>();

        var accounts = await Workload.OpenAccountsAsync(host, options.Accounts, options.Concurrency);
        var maxRate = context.ActorThroughput ?? await MeasureMaxRateAsync(host, accounts, context);
        await WaitForProjectionAsync(store, control, TimeSpan.FromMinutes(2));

        // Lag at half load: every acknowledged deposit, and when the projection's offset passed it.
        // A few seconds at that rate first, so the measurement sees the steady state (JIT, pools, caches).
        var rate = maxRate / 2;
        await LoadDriver.OpenLoopAsync(rate, TimeSpan.FromSeconds(5), options.Concurrency * 4,
            _ => Workload.DepositAsync(host, accounts[Random.Shared.Next(accounts.Length)]));
        await WaitForProjectionAsync(store, control, TimeSpan.FromMinutes(2));
        var acknowledged = new ConcurrentBag<(string PersistenceId, long Version, long At)>();
        var offsets = new List<(long At, long Offset)>();
        using var stopPolling = new CancellationTokenSource();
        var poller = PollOffsetsAsync(store, offsets, stopPolling.Token);
        var load = await LoadDriver.OpenLoopAsync(rate, options.ProjectionDuration, options.Concurrency * 4, async i =>
        {
            var account = accounts[Random.Shared.Next(accounts.Length)];
            var outcome = await host.SendAsync(new AccountCommands.DepositMoney(account, CommandId.New(), Workload.DepositAmount, Workload.Currency));
            if (outcome is not CommandAccepted accepted)
            {
                return false;
            }
            acknowledged.Add((AccountPersistenceId.For(account), accepted.Version, Stopwatch.GetTimestamp()));
            return true;
        });
        var head = await WaitForProjectionAsync(store, control, TimeSpan.FromMinutes(2));
        await Task.Delay(50);
        await stopPolling.CancelAsync();
        await poller;
        var lag = await LagAsync(store, acknowledged, offsets);
        context.Log($"projection at {rate:N0}/s: load {load}; lag {lag}");

        // Rebuild from zero over R events.
        var missing = options.RebuildEvents - (int)await CountAccountEventsAsync(store);
        if (missing > 0)
        {
            var fill = await LoadDriver.ClosedLoopAsync(missing, options.Concurrency, _ => Workload.DepositAsync(host, accounts[Random.Shared.Next(accounts.Length)]));
            Workload.EnsureNoErrors(fill, "filling the journal");
        }
        await WaitForProjectionAsync(store, control, TimeSpan.FromMinutes(5));
        var events = await CountAccountEventsAsync(store);
        var (feedEvents, feed) = await ReadFeedAsync(host);
        var feedRate = feedEvents / feed.TotalSeconds;
        context.Log($"journal feed alone (EventsByTag, no projection): {feedEvents:N0} events in {feed.TotalSeconds:0.00} s = {feedRate:N0} events/s");
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await control.RebuildAsync(ProjectionNames.AccountLedger);
        await WaitForProjectionAsync(store, control, TimeSpan.FromMinutes(10));
        var rebuild = Stopwatch.GetElapsedTime(started);
        var rebuildRate = events / rebuild.TotalSeconds;
        var rebuildCpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / events;
        context.Log($"projection rebuild: {events:N0} events in {rebuild.TotalSeconds:0.00} s = {rebuildRate:N0} events/s, {rebuildCpu:N0} µs CPU/event");

        var report = context.Report;
        report.Add(new ResultRow(Name, $"lag p50 at half load ({rate:N0}/s)", lag.P50, "ms"));
        report.Add(new ResultRow(Name, $"lag p95 at half load ({rate:N0}/s)", lag.P95, "ms", "≤ 100 ms", lag.P95 <= 100 && load.Errors == 0));
        report.Add(new ResultRow(Name, $"rebuild of {events:N0} events", rebuildRate, "events/s", "≥ 20,000/s", rebuildRate >= 20_000,
            $"{rebuild.TotalSeconds:0.0} s; the journal feed alone reads {feedRate:N0} events/s"));
        report.Detail("projection", new { rate, load, lag, head, events, rebuildSeconds = rebuild.TotalSeconds, rebuildRate, feedEvents, feedSeconds = feed.TotalSeconds, feedRate });
    }

    /// <summary>When the actor scenario did not run: the same measurement, shorter (warm-up until the JIT is quiet, then max throughput).</summary>
    private static async Task<double> MeasureMaxRateAsync(WriteSideHost host, AccountId[] accounts, BenchmarkContext context)
    {
        var options = context.Options;
        Task<LoadResult> Deposits(int count) => LoadDriver.ClosedLoopAsync(count, options.Concurrency,
            _ => Workload.DepositAsync(host, accounts[Random.Shared.Next(accounts.Length)]));
        context.Log($"projection max-rate {await SteadyState.WarmUpAsync(Deposits, Math.Min(options.Deposits / 5, 10_000), context.Log)}");
        return (await Deposits(Math.Min(options.Deposits, 20_000))).PerSecond;
    }

    /// <summary>How fast the read journal alone delivers the account feed from offset zero (the ceiling of a rebuild).</summary>
    private static async Task<(long Events, TimeSpan Elapsed)> ReadFeedAsync(WriteSideHost host)
    {
        var journal = PersistenceQuery.Get(host.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var started = Stopwatch.GetTimestamp();
        var events = await journal.CurrentEventsByTag(EventTagger.AccountTag, Offset.Sequence(0))
            .RunAggregate(0L, (count, _) => count + 1, host.System.Materializer());
        return (events, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Polls the committed offset of the account-ledger projection, as a reader of the read model would see it.</summary>
    private static async Task PollOffsetsAsync(BenchmarkStore store, List<(long At, long Offset)> offsets, CancellationToken stop)
    {
        await using var connection = await store.OpenAsync(store.ReadModelConnectionString);
        await using var query = connection.CreateCommand();
        query.CommandText = $"SELECT \"Offset\" FROM {new ReadModelLayout(ReadModelDatabase.SchemaVersion).Table("projection_offsets")} WHERE \"Projection\" = '{ProjectionNames.AccountLedger}'";
        var last = -1L;
        while (!stop.IsCancellationRequested)
        {
            var offset = await query.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0L;
            if (offset != last)
            {
                offsets.Add((Stopwatch.GetTimestamp(), offset));
                last = offset;
            }
            try
            {
                await Task.Delay(PollInterval, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Per acknowledged event: when the first poll saw an offset at or past its journal ordering.</summary>
    private static async Task<LatencySummary> LagAsync(BenchmarkStore store, IEnumerable<(string PersistenceId, long Version, long At)> acknowledged, List<(long At, long Offset)> offsets)
    {
        var orderings = new Dictionary<(string, long), long>();
        await using (var connection = await store.OpenAsync(store.JournalConnectionString))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT persistence_id, sequence_number, ordering FROM journal";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                orderings[(reader.GetString(0), reader.GetInt64(1))] = reader.GetInt64(2);
            }
        }
        var lags = new List<long>();
        foreach (var (persistenceId, version, at) in acknowledged)
        {
            var ordering = orderings[(persistenceId, version)];
            var seen = FirstAtOrPast(offsets, ordering);
            if (seen < offsets.Count)
            {
                lags.Add(Math.Max(0, offsets[seen].At - at));
            }
        }
        var sorted = lags.ToArray();
        Array.Sort(sorted);
        return LatencySummary.Of(sorted);
    }

    /// <summary>Binary search: the offsets only grow while the lag is measured.</summary>
    private static int FirstAtOrPast(List<(long At, long Offset)> offsets, long ordering)
    {
        var (low, high) = (0, offsets.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (offsets[middle].Offset >= ordering)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }
        return low;
    }

    private static async Task<long> CountAccountEventsAsync(BenchmarkStore store)
    {
        await using var connection = await store.OpenAsync(store.JournalConnectionString);
        return await ScalarAsync(connection, "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'account-%'");
    }

    /// <summary>Waits until the account-ledger projection has applied everything the journal holds now; returns that ordering.</summary>
    private static async Task<long> WaitForProjectionAsync(BenchmarkStore store, IProjectionControl control, TimeSpan deadline)
    {
        long head;
        await using (var connection = await store.OpenAsync(store.JournalConnectionString))
        {
            head = await ScalarAsync(connection, "SELECT COALESCE(MAX(ordering), 0) FROM journal WHERE persistence_id LIKE 'account-%'");
        }
        var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        while ((await control.OffsetsAsync())[ProjectionNames.AccountLedger] < head)
        {
            if (Stopwatch.GetTimestamp() > until)
            {
                throw new TimeoutException($"The account-ledger projection did not reach ordering {head} within {deadline}.");
            }
            await Task.Delay(5);
        }
        return head;
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
