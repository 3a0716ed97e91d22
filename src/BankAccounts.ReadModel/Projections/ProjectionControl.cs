using Akka.Actor;
using Akka.Hosting;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Talks to the projectors through the singleton proxy, so it works on every node of the cluster; what only reads the
/// read model (offsets, parked events) reads it directly.
/// </summary>
internal sealed class ProjectionControl(ActorRegistry registry, IDbContextFactory<ReadModelDbContext> dbFactory) : IProjectionControl
{
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromMinutes(2);

    public async Task RebuildAsync(string projection, CancellationToken cancellationToken = default)
    {
        ThrowIfUnknown(projection);
        var supervisor = await registry.GetAsync<ProjectionSupervisor>(cancellationToken);
        await supervisor.Ask<Status.Success>(new ProjectionSupervisor.Rebuild(projection), RebuildTimeout, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, long>> OffsetsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.Offsets.AsNoTracking().ToDictionaryAsync(o => o.Projection, o => o.Offset, cancellationToken);
        return ProjectionNames.All.ToDictionary(name => name, name => stored.GetValueOrDefault(name));
    }

    public async Task<IReadOnlyList<ParkedStream>> ParkedStreamsAsync(string? projection = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var parked = await db.ParkedEvents.AsNoTracking()
            .Where(p => projection == null || p.Projection == projection)
            .ToListAsync(cancellationToken);
        return [.. parked
            .GroupBy(p => (p.Projection, p.PersistenceId))
            .Select(stream =>
            {
                var first = stream.MinBy(p => p.Version)!;
                return new ParkedStream(first.Projection, first.PersistenceId, first.Version, stream.Count(), first.Reason, first.Error,
                    first.Attempts, first.FirstFailureAt, first.LastFailureAt);
            })
            .OrderBy(s => s.FirstFailureAt).ThenBy(s => s.Projection, StringComparer.Ordinal).ThenBy(s => s.PersistenceId, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<ParkedEvent>> ParkedEventsAsync(string projection, string persistenceId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ParkedEvents.AsNoTracking()
            .Where(p => p.Projection == projection && p.PersistenceId == persistenceId)
            .OrderBy(p => p.Version)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, int>> ParkedStreamCountsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.ParkedEvents.AsNoTracking()
            .GroupBy(p => p.Projection)
            .Select(g => new { Projection = g.Key, Streams = g.Select(p => p.PersistenceId).Distinct().Count() })
            .ToDictionaryAsync(c => c.Projection, c => c.Streams, cancellationToken);
        return ProjectionNames.All.ToDictionary(name => name, name => counts.GetValueOrDefault(name));
    }

    public async Task<RetryOutcome?> RetryParkedAsync(string projection, string persistenceId, CancellationToken cancellationToken = default)
    {
        ThrowIfUnknown(projection);
        var supervisor = await registry.GetAsync<ProjectionSupervisor>(cancellationToken);
        var result = await supervisor.Ask<ProjectionSupervisor.RetryResult>(
            new ProjectionSupervisor.RetryParkedStream(projection, persistenceId), RebuildTimeout, cancellationToken);
        return result.Outcome;
    }

    public async Task<bool> SkipParkedAsync(string projection, string persistenceId, long version, string reason, string skippedBy, CancellationToken cancellationToken = default)
    {
        ThrowIfUnknown(projection);
        var supervisor = await registry.GetAsync<ProjectionSupervisor>(cancellationToken);
        var result = await supervisor.Ask<ProjectionSupervisor.SkipResult>(
            new ProjectionSupervisor.SkipParkedEvent(projection, persistenceId, version, reason, skippedBy), RebuildTimeout, cancellationToken);
        return result.Skipped;
    }

    private static void ThrowIfUnknown(string projection)
    {
        if (!ProjectionNames.All.Contains(projection))
        {
            throw new ArgumentException($"Unknown projection '{projection}'.", nameof(projection));
        }
    }
}
