using System.Data.Common;
using BankAccounts.Actors.Persistence;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BankAccounts.ReadModel.Projections;

/// <summary>This node's read model version as last read: whether it serves, how far its rebuild got, which version is active.</summary>
public sealed record ReadModelVersionStatus(ReadModelVersionRow Version, int? ActiveVersion)
{
    /// <summary>Before the schema is created: not serving, nothing measured.</summary>
    public static ReadModelVersionStatus Starting(int version, DateTimeOffset now) =>
        new(new ReadModelVersionRow(version, ReadModelVersionState.Building, ReadModelDatabase.SchemaVersion, 0, 0, now, null, null), null);

    public bool Serves => ReadModelVersionRules.Serves(Version.State);

    /// <summary>"building 42% (1,234 of 2,900 events, about 30 s left)", "active", "superseded by version 6", "dropped".</summary>
    public string Describe(DateTimeOffset now) => Version.State switch
    {
        ReadModelVersionState.Building => $"building {Version.Progress.Percent}% ({Version.EventsDone:N0} of {Version.EventsTotal:N0} events" +
            (Version.Progress.EstimatedRemaining(now) is { } left ? $", about {Math.Ceiling(left.TotalSeconds):0} s left)" : ")"),
        ReadModelVersionState.Superseded when ActiveVersion is { } active => $"superseded by version {active}",
        _ => Version.State.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// Knows this node's read model version: set when the schema is created at start, then reread every
/// <see cref="ReadModelOptions.VersionCheckInterval"/>. While the version builds, every node of it measures the
/// progress against the journal and records it; once the projections are at most <see cref="ReadModelOptions.SwitchWhenBehind"/>
/// events behind, the version is switched to (one transaction; repeating it is harmless).
/// </summary>
public sealed class ReadModelVersionMonitor(
    IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options, PersistenceOptions journal, TimeProvider clock,
    ILogger<ReadModelVersionMonitor> log) : BackgroundService
{
    private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ReadModelVersionStatus _current = ReadModelVersionStatus.Starting(options.Version, clock.GetUtcNow());

    public ReadModelVersionStatus Current => _current;

    /// <summary>The schema was created (<see cref="ReadModelDatabase.EnsureCreatedAsync"/>): the monitor starts from that row.</summary>
    public void Created(ReadModelVersionRow row)
    {
        _current = new ReadModelVersionStatus(row, row.State == ReadModelVersionState.Active ? row.Version : null);
        _created.TrySetResult();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _created.Task.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.VersionCheckInterval, clock);
        // The first check waits one interval: a version created as building is seen building for at least that long.
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
            {
                log.LogWarning(e, "Checking read model version {Version} failed; it keeps its last known state ({State}).", options.Version, _current.Version.State);
            }
        }
    }

    /// <summary>Rereads the registry; while building, records the progress and switches once caught up.</summary>
    public async Task<ReadModelVersionStatus> CheckAsync(CancellationToken cancellationToken = default)
    {
        var versions = await ReadModelDatabase.VersionsAsync(options, cancellationToken);
        var own = versions.Single(v => v.Version == options.Version);
        if (own.State == ReadModelVersionState.Building)
        {
            var progress = await MeasureAsync(own.StartedAt, cancellationToken);
            if (progress.EventsBehind <= options.SwitchWhenBehind)
            {
                own = await ReadModelDatabase.SwitchToCaughtUpAsync(options, progress, clock, cancellationToken);
                log.LogWarning("Read model version {Version} caught up ({Done} of {Total} events) and is now {State}.",
                    own.Version, progress.EventsDone, progress.EventsTotal, own.State);
                versions = await ReadModelDatabase.VersionsAsync(options, cancellationToken);
            }
            else
            {
                await ReadModelDatabase.RecordProgressAsync(options, progress, cancellationToken);
                own = own with { EventsDone = progress.EventsDone, EventsTotal = progress.EventsTotal };
            }
        }
        _current = new ReadModelVersionStatus(own, versions.FirstOrDefault(v => v.State == ReadModelVersionState.Active)?.Version);
        return _current;
    }

    /// <summary>Journal events applied, summed over this version's projections (each counts the events of its tag).</summary>
    private async Task<RebuildProgress> MeasureAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var offsets = await db.Offsets.AsNoTracking().ToDictionaryAsync(o => o.Projection, o => o.Offset, cancellationToken);
        long done = 0, total = 0;
        try
        {
            await using var connection = await JournalDatabase.OpenAsync(journal, cancellationToken);
            foreach (var projection in ProjectionSupervisor.Projections())
            {
                var (applied, tagged) = await JournalDatabase.TaggedEventsAsync(connection, projection.Streams.Tag, offsets.GetValueOrDefault(projection.Name), cancellationToken);
                done += applied;
                total += tagged;
            }
        }
        catch (DbException e) when (JournalDatabase.IsMissingTable(e))
        {
            // No journal yet: nothing to build.
        }
        return new RebuildProgress(done, total, startedAt);
    }
}
