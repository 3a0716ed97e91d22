using System.Data.Common;
using System.Diagnostics.Metrics;
using BankAccounts.Actors.Persistence;
using BankAccounts.Actors.Telemetry;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Telemetry;

/// <summary>Parked (dead-lettered) events per projection; the read side's poison-event handling provides the real count.</summary>
public interface IParkedEventCounts
{
    Task<IReadOnlyDictionary<string, long>> CountByProjectionAsync(CancellationToken cancellationToken);
}

/// <summary>The parked events of each projection, counted in the read model's dead-letter table.</summary>
public sealed class ParkedEventCounts(IDbContextFactory<ReadModelDbContext> dbFactory) : IParkedEventCounts
{
    public async Task<IReadOnlyDictionary<string, long>> CountByProjectionAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.ParkedEvents.AsNoTracking()
            .GroupBy(p => p.Projection)
            .Select(g => new { Projection = g.Key, Events = g.LongCount() })
            .ToDictionaryAsync(c => c.Projection, c => c.Events, cancellationToken);
        return ProjectionNames.All.ToDictionary(name => name, name => counts.GetValueOrDefault(name));
    }
}

/// <summary>
/// Gauges read from the stores: projection lag (events and time), transfers by status and age, parked events.
/// Observable instruments answer from values cached by <see cref="RefreshAsync"/> (called periodically), so a
/// scrape never queries a database. Each refresh costs one bounded query per projection on the journal and one
/// grouped query on the transfers table (through its status index).
/// </summary>
public sealed class ReadSideGauges
{
    /// <summary>Journal events behind counted at most: a lag beyond that reads as this number.</summary>
    public const int MaxLagCounted = 100_000;

    private readonly IDbContextFactory<ReadModelDbContext> _dbFactory;
    private readonly PersistenceOptions _journal;
    private readonly IParkedEventCounts _parked;
    private readonly TimeProvider _clock;
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <param name="meterFactory">The host's: its meter goes with the host, so a stopped host's gauges stop reporting.</param>
    public ReadSideGauges(
        IDbContextFactory<ReadModelDbContext> dbFactory, PersistenceOptions journal, IParkedEventCounts parked, TimeProvider clock, IMeterFactory meterFactory)
    {
        _dbFactory = dbFactory;
        _journal = journal;
        _parked = parked;
        _clock = clock;
        var meter = meterFactory.Create(BankAccountsTelemetry.Name);
        meter.CreateObservableGauge("bankaccounts.projection.lag.events", () => Per(_snapshot.Projections, p => p.EventsBehind, "projection"),
            "{event}", $"Journal events of the projection's tag not yet applied (counted up to {MaxLagCounted:N0}).");
        meter.CreateObservableGauge("bankaccounts.projection.lag", () => Per(_snapshot.Projections, p => p.SecondsBehind, "projection"),
            "s", "Age of the oldest journal event the projection has not applied yet (0 when caught up).");
        meter.CreateObservableGauge("bankaccounts.projection.offset", () => Per(_snapshot.Projections, p => p.Offset, "projection"),
            "{offset}", "Journal ordering of the last event the projection durably applied.");
        meter.CreateObservableGauge("bankaccounts.projection.parked", () => Per(_snapshot.Parked, n => n, "projection"),
            "{event}", "Events parked by a projection (a poison event and the later events of its stream).");
        meter.CreateObservableGauge("bankaccounts.transfers", () => Per(_snapshot.Transfers, t => t.Count, "status"),
            "{transfer}", "Transfers in the read model by status.");
        meter.CreateObservableGauge("bankaccounts.transfers.oldest_age", () => Per(_snapshot.Transfers, t => t.OldestAgeSeconds, "status"),
            "s", "Time since the least recently updated transfer of each status last moved.");
    }

    /// <summary>When the cached values were last read (null: never).</summary>
    public DateTimeOffset? RefreshedAt => _snapshot.At;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        var offsets = await db.Offsets.AsNoTracking().ToDictionaryAsync(o => o.Projection, o => o.Offset, cancellationToken);
        var projections = new Dictionary<string, ProjectionLag>();
        await using (var journal = await JournalDatabase.OpenAsync(_journal, cancellationToken))
        {
            foreach (var projection in ProjectionSupervisor.Projections())
            {
                var offset = offsets.GetValueOrDefault(projection.Name);
                var (behind, oldestTicks) = await BehindOrNothingAsync(journal, projection.Streams.Tag, offset, cancellationToken);
                var seconds = behind == 0 ? 0 : Math.Max(0, (now.UtcTicks - oldestTicks) / (double)TimeSpan.TicksPerSecond);
                projections[projection.Name] = new ProjectionLag(offset, behind, seconds);
            }
        }
        var transfers = (await db.Transfers.AsNoTracking()
                .GroupBy(t => t.Status)
                .Select(g => new { Status = g.Key, Count = g.LongCount(), OldestTicks = g.Min(t => t.UpdatedAtTicks) })
                .ToListAsync(cancellationToken))
            .ToDictionary(t => t.Status, t => new TransferCount(t.Count, Math.Max(0, (now.UtcTicks - t.OldestTicks) / (double)TimeSpan.TicksPerSecond)));
        foreach (var status in TransferStatusesReported)
        {
            transfers.TryAdd(status, new TransferCount(0, 0));
        }
        var parked = await _parked.CountByProjectionAsync(cancellationToken);
        _snapshot = new Snapshot(now, projections, transfers, parked);
    }

    /// <summary>The statuses always reported, zero when none (a missing series would read as "no data").</summary>
    private static readonly IReadOnlyList<string> TransferStatusesReported = Storage.TransferStatuses.All;

    /// <summary>A node whose journal was never written to has no journal table yet: nothing is behind.</summary>
    private static async Task<(long Behind, long OldestTicks)> BehindOrNothingAsync(DbConnection journal, string tag, long offset, CancellationToken cancellationToken)
    {
        try
        {
            return await BehindAsync(journal, tag, offset, cancellationToken);
        }
        catch (DbException e) when (JournalDatabase.IsMissingTable(e))
        {
            return (0, 0);
        }
    }

    /// <summary>How many events of <paramref name="tag"/> lie past <paramref name="offset"/> (bounded), and when the oldest was written.</summary>
    private static async Task<(long Behind, long OldestTicks)> BehindAsync(DbConnection journal, string tag, long offset, CancellationToken cancellationToken)
    {
        await using var command = journal.CreateCommand();
        // Tags are stored as ';tag;' (tag-write-mode = Csv); 'created' is the write's UTC ticks.
        command.CommandText =
            "SELECT COUNT(*), MIN(created) FROM (SELECT created FROM journal WHERE ordering > @offset AND tags LIKE @tag " +
            $"ORDER BY ordering LIMIT {MaxLagCounted}) AS behind";
        JournalDatabase.AddParameter(command, "@offset", offset);
        JournalDatabase.AddParameter(command, "@tag", $"%;{tag};%");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var behind = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        var oldest = reader.IsDBNull(1) ? 0L : Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        return (behind, oldest);
    }

    private static IEnumerable<Measurement<T>> Per<TValue, T>(IReadOnlyDictionary<string, TValue> values, Func<TValue, T> select, string label)
        where T : struct =>
        values.Select(pair => new Measurement<T>(select(pair.Value), new KeyValuePair<string, object?>(label, pair.Key)));

    private sealed record ProjectionLag(long Offset, long EventsBehind, double SecondsBehind);

    private sealed record TransferCount(long Count, double OldestAgeSeconds);

    private sealed record Snapshot(
        DateTimeOffset? At,
        IReadOnlyDictionary<string, ProjectionLag> Projections,
        IReadOnlyDictionary<string, TransferCount> Transfers,
        IReadOnlyDictionary<string, long> Parked)
    {
        public static readonly Snapshot Empty = new(null, new Dictionary<string, ProjectionLag>(), new Dictionary<string, TransferCount>(), new Dictionary<string, long>());
    }
}
