using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Projections;

/// <summary>Reads one stream's events from the journal, by persistence id: what the feed passed over, or what a retry replays.</summary>
public interface IStreamHistory
{
    /// <summary>The events of <paramref name="persistenceId"/> with versions from <paramref name="fromVersion"/> to <paramref name="toVersion"/> (inclusive), in order.</summary>
    Task<IReadOnlyList<ProjectedEvent>> ReadAsync(string persistenceId, long fromVersion, long toVersion, CancellationToken cancellationToken);
}

/// <summary>
/// Applies events of one projection and moves its offset in the same database transaction: after a crash at any point,
/// the read model and the offset agree, so the projector resumes with no event skipped or applied twice. Per stream it
/// keeps the version applied (<c>projected_streams</c>): an event already applied is passed, a gap is filled from the
/// journal (the PostgreSQL read journal passes over a row that commits late) or, when the journal cannot fill it,
/// the stream is parked; the events of a parked stream go to <c>parked_events</c>, in order, until an operator
/// retries or skips. One writer per projection; its lock serialises the feed, retries, skips and reconciliation.
/// </summary>
public sealed class ProjectionWriter(IDbContextFactory<ReadModelDbContext> dbFactory, IProjection projection, IStreamHistory history, TimeProvider clock)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public IProjection Projection => projection;

    public async Task<long> ReadOffsetAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Offsets.AsNoTracking()
            .Where(o => o.Projection == projection.Name)
            .Select(o => o.Offset)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Applies the feed's <paramref name="batch"/> (events at or below the stored offset are already in) and moves the offset past it.</summary>
    public async Task WriteAsync(IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var offset = await OffsetRowAsync(db, cancellationToken);
            var fresh = batch.Where(e => e.Offset > offset.Offset).ToList();
            if (fresh.Count == 0)
            {
                return;
            }
            using var activity = Telemetry.ProjectionTelemetry.StartApply(projection.Name, fresh);
            await StageAsync(db, fresh, cancellationToken);
            offset.Offset = fresh[^1].Offset;
            offset.UpdatedAt = clock.GetUtcNow();
            await SqliteBatchSave.SaveChangesAsync(db, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Writes <paramref name="batch"/> event by event after the batch as a whole failed: each event gets
    /// <paramref name="attempts"/> tries with back-off; one that still fails while the database answers is parked
    /// with why (and so is the rest of its stream from then on). Throws when the database does not answer (the stream
    /// restarts from its offset) and <see cref="ProjectionStoppedException"/> when the policy is to stop.
    /// </summary>
    public async Task WriteIsolatingFailuresAsync(
        IReadOnlyList<ProjectedEvent> batch, int attempts, Func<int, TimeSpan> backoff, ProjectionFailurePolicy policy, CancellationToken cancellationToken = default)
    {
        foreach (var projected in batch)
        {
            var firstFailure = default(DateTimeOffset?);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await WriteAsync([projected], cancellationToken);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    firstFailure ??= clock.GetUtcNow();
                    if (attempt < attempts)
                    {
                        await Task.Delay(backoff(attempt), cancellationToken);
                        continue;
                    }
                    if (!await DatabaseAnswersAsync(cancellationToken))
                    {
                        throw;
                    }
                    await ParkFailedAsync(projected, e, attempt, firstFailure.Value, cancellationToken);
                    if (policy == ProjectionFailurePolicy.Stop)
                    {
                        throw new ProjectionStoppedException(projection.Name, projected, e);
                    }
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Re-applies a parked stream from the journal, in order, from its first unapplied version to the journal's last,
    /// in one transaction. Null when nothing of that stream is parked; otherwise the outcome (a failure leaves it parked,
    /// the attempt and error recorded).
    /// </summary>
    public async Task<RetryOutcome?> RetryAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            long applied;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                if (!await db.ParkedEvents.AnyAsync(p => p.Projection == projection.Name && p.PersistenceId == persistenceId, cancellationToken))
                {
                    return null;
                }
                applied = await AppliedVersionAsync(db, persistenceId, cancellationToken);
            }
            var events = await history.ReadAsync(persistenceId, applied + 1, long.MaxValue, cancellationToken);
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.ParkedEvents.Where(p => p.Projection == projection.Name && p.PersistenceId == persistenceId).ExecuteDeleteAsync(cancellationToken);
                var staged = await StageAsync(db, events, cancellationToken);
                if (staged.Parked > 0)
                {
                    // Still a gap the journal cannot fill: keep what the stage parked (it replaced the old rows).
                    await SqliteBatchSave.SaveChangesAsync(db, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    return new RetryOutcome(staged.Applied, staged.Parked, "The stream still has a gap the journal cannot fill.");
                }
                await SqliteBatchSave.SaveChangesAsync(db, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new RetryOutcome(staged.Applied, 0, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await RecordFailedRetryAsync(persistenceId, e, cancellationToken);
                return new RetryOutcome(0, await ParkedCountAsync(persistenceId, cancellationToken), Describe(e));
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Skips the first parked event of a stream for good (the stream counts it as applied) and records who and why.
    /// Only the first: order within the stream is kept. Null when <paramref name="version"/> is not that event.
    /// </summary>
    public async Task<SkippedEvent?> SkipAsync(string persistenceId, long version, string reason, string skippedBy, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var first = await db.ParkedEvents
                .Where(p => p.Projection == projection.Name && p.PersistenceId == persistenceId)
                .OrderBy(p => p.Version)
                .FirstOrDefaultAsync(cancellationToken);
            if (first is null || first.Version != version)
            {
                return null;
            }
            db.ParkedEvents.Remove(first);
            var stream = await StreamRowAsync(db, persistenceId, cancellationToken);
            stream.Version = Math.Max(stream.Version, version);
            var skipped = new SkippedEvent
            {
                Projection = projection.Name,
                PersistenceId = persistenceId,
                Version = version,
                Reason = reason,
                Error = first.Error,
                SkippedBy = skippedBy,
                SkippedAt = clock.GetUtcNow(),
            };
            db.SkippedEvents.Add(skipped);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return skipped;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Applies the journal's events of streams whose last events the feed has passed over (their orderings are below the
    /// stored offset, yet the projection is behind on them). Events above the offset are only lag: the feed brings them.
    /// Answers the number of events repaired.
    /// </summary>
    public async Task<int> RepairAsync(IReadOnlyList<StreamHead> heads, CancellationToken cancellationToken = default)
    {
        if (heads.Count == 0)
        {
            return 0;
        }
        await _lock.WaitAsync(cancellationToken);
        try
        {
            List<(string PersistenceId, long Applied, long Head)> behind;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                var offset = await db.Offsets.AsNoTracking().Where(o => o.Projection == projection.Name).Select(o => o.Offset).FirstOrDefaultAsync(cancellationToken);
                var ids = heads.Select(h => h.PersistenceId).ToList();
                var applied = await db.ProjectedStreams.AsNoTracking()
                    .Where(s => s.Projection == projection.Name && ids.Contains(s.PersistenceId))
                    .ToDictionaryAsync(s => s.PersistenceId, s => s.Version, cancellationToken);
                var parked = (await db.ParkedEvents.AsNoTracking()
                    .Where(p => p.Projection == projection.Name && ids.Contains(p.PersistenceId))
                    .Select(p => p.PersistenceId).Distinct().ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
                behind = [.. heads
                    .Where(h => h.LastOrdering <= offset && !parked.Contains(h.PersistenceId) && h.Version > applied.GetValueOrDefault(h.PersistenceId))
                    .Select(h => (h.PersistenceId, applied.GetValueOrDefault(h.PersistenceId), h.Version))];
            }
            var repaired = 0;
            foreach (var (persistenceId, applied, head) in behind)
            {
                var events = await history.ReadAsync(persistenceId, applied + 1, head, cancellationToken);
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                repaired += (await StageAsync(db, events, cancellationToken)).Applied;
                await SqliteBatchSave.SaveChangesAsync(db, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            return repaired;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>True when the projection's policy is to stop and an event of it is parked: it waits for an operator.</summary>
    public async Task<bool> IsStoppedAsync(ProjectionFailurePolicy policy, CancellationToken cancellationToken = default)
    {
        if (policy != ProjectionFailurePolicy.Stop)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ParkedEvents.AnyAsync(p => p.Projection == projection.Name, cancellationToken);
    }

    /// <summary>Empties the projection's rows, parked events, stream versions and offset atomically, ready to replay from zero.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await projection.ResetAsync(db, cancellationToken);
            await db.ParkedEvents.Where(p => p.Projection == projection.Name).ExecuteDeleteAsync(cancellationToken);
            await db.ProjectedStreams.Where(s => s.Projection == projection.Name).ExecuteDeleteAsync(cancellationToken);
            await db.Offsets.Where(o => o.Projection == projection.Name).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Stages <paramref name="events"/> (in feed order) on <paramref name="db"/>: events of parked streams are parked
    /// behind, events already applied are passed, gaps are filled from the journal or park the stream; the rest goes
    /// to the projection, and the streams' versions move with it.
    /// </summary>
    private async Task<(int Applied, int Parked)> StageAsync(ReadModelDbContext db, IReadOnlyList<ProjectedEvent> events, CancellationToken cancellationToken)
    {
        var ids = events.Select(e => e.PersistenceId).Distinct().ToList();
        var parked = (await db.ParkedEvents
            .Where(p => p.Projection == projection.Name && ids.Contains(p.PersistenceId))
            .Select(p => p.PersistenceId).Distinct().ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var streams = await db.ProjectedStreams
            .Where(s => s.Projection == projection.Name && ids.Contains(s.PersistenceId))
            .ToDictionaryAsync(s => s.PersistenceId, StringComparer.Ordinal, cancellationToken);
        var now = clock.GetUtcNow();
        var apply = new List<ProjectedEvent>(events.Count);
        var parkedCount = 0;
        foreach (var projected in events)
        {
            if (parked.Contains(projected.PersistenceId))
            {
                db.ParkedEvents.Add(Parked(projected, ParkedReasons.Behind, error: null, attempts: 0, now, now));
                parkedCount++;
                continue;
            }
            if (!streams.TryGetValue(projected.PersistenceId, out var stream))
            {
                stream = new ProjectedStream { Projection = projection.Name, PersistenceId = projected.PersistenceId };
                db.ProjectedStreams.Add(stream);
                streams[projected.PersistenceId] = stream;
            }
            if (projected.Version <= stream.Version)
            {
                continue;
            }
            if (projected.Version > stream.Version + 1)
            {
                var missing = await history.ReadAsync(projected.PersistenceId, stream.Version + 1, projected.Version - 1, cancellationToken);
                if (!IsContiguous(missing, stream.Version + 1, projected.Version - 1))
                {
                    var error = $"Versions {stream.Version + 1}..{projected.Version - 1} of {projected.PersistenceId} are not in the journal " +
                        $"(it holds {missing.Count} of them); version {projected.Version} cannot be applied after {stream.Version}.";
                    db.ParkedEvents.Add(Parked(projected, ParkedReasons.Gap, error, attempts: 1, now, now));
                    parked.Add(projected.PersistenceId);
                    parkedCount++;
                    continue;
                }
                apply.AddRange(missing);
            }
            apply.Add(projected);
            stream.Version = projected.Version;
        }
        if (apply.Count > 0)
        {
            await projection.ApplyAsync(db, apply, cancellationToken);
        }
        return (apply.Count, parkedCount);
    }

    private static bool IsContiguous(IReadOnlyList<ProjectedEvent> events, long from, long to) =>
        events.Count == to - from + 1 && events.Select((e, i) => e.Version == from + i).All(ok => ok);

    private async Task ParkFailedAsync(ProjectedEvent projected, Exception error, int attempts, DateTimeOffset firstFailure, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var offset = await OffsetRowAsync(db, cancellationToken);
            if (projected.Offset <= offset.Offset)
            {
                return; // it landed after all (a commit that failed only on its way back)
            }
            db.ParkedEvents.Add(Parked(projected, ParkedReasons.Failed, Describe(error), attempts, firstFailure, clock.GetUtcNow()));
            offset.Offset = projected.Offset;
            offset.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task RecordFailedRetryAsync(string persistenceId, Exception error, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var first = await db.ParkedEvents
            .Where(p => p.Projection == projection.Name && p.PersistenceId == persistenceId)
            .OrderBy(p => p.Version)
            .FirstOrDefaultAsync(cancellationToken);
        if (first is not null)
        {
            first.Attempts++;
            first.LastFailureAt = clock.GetUtcNow();
            first.Error = Describe(error);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task<int> ParkedCountAsync(string persistenceId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ParkedEvents.CountAsync(p => p.Projection == projection.Name && p.PersistenceId == persistenceId, cancellationToken);
    }

    private async Task<bool> DatabaseAnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadOffsetAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<ProjectionOffset> OffsetRowAsync(ReadModelDbContext db, CancellationToken cancellationToken)
    {
        var offset = await db.Offsets.FirstOrDefaultAsync(o => o.Projection == projection.Name, cancellationToken);
        if (offset is null)
        {
            offset = new ProjectionOffset { Projection = projection.Name };
            db.Offsets.Add(offset);
        }
        return offset;
    }

    private async Task<ProjectedStream> StreamRowAsync(ReadModelDbContext db, string persistenceId, CancellationToken cancellationToken)
    {
        var stream = await db.ProjectedStreams.FirstOrDefaultAsync(s => s.Projection == projection.Name && s.PersistenceId == persistenceId, cancellationToken);
        if (stream is null)
        {
            stream = new ProjectedStream { Projection = projection.Name, PersistenceId = persistenceId };
            db.ProjectedStreams.Add(stream);
        }
        return stream;
    }

    private Task<long> AppliedVersionAsync(ReadModelDbContext db, string persistenceId, CancellationToken cancellationToken) =>
        db.ProjectedStreams.AsNoTracking()
            .Where(s => s.Projection == projection.Name && s.PersistenceId == persistenceId)
            .Select(s => s.Version)
            .FirstOrDefaultAsync(cancellationToken);

    private ParkedEvent Parked(ProjectedEvent projected, string reason, string? error, int attempts, DateTimeOffset firstFailure, DateTimeOffset lastFailure) => new()
    {
        Projection = projection.Name,
        PersistenceId = projected.PersistenceId,
        Version = projected.Version,
        Offset = projected.Offset,
        Reason = reason,
        EventType = EventKinds.Of(projected.Event),
        Error = error,
        Attempts = attempts,
        FirstFailureAt = firstFailure,
        LastFailureAt = lastFailure,
    };

    private static string Describe(Exception error)
    {
        var text = $"{error.GetType().Name}: {error.Message}";
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
        {
            text += $" ---> {inner.GetType().Name}: {inner.Message}";
        }
        return text.Length <= ReadModelDbContext.ParkedErrorMaxLength ? text : text[..ReadModelDbContext.ParkedErrorMaxLength];
    }
}

/// <summary>Where a stream ends in the journal: its highest version and the ordering of its last event.</summary>
public sealed record StreamHead(string PersistenceId, long Version, long LastOrdering);

/// <summary>What a retry did: events applied, events still parked, and the error when it failed.</summary>
public sealed record RetryOutcome(int Applied, int StillParked, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>A projection with the <see cref="ProjectionFailurePolicy.Stop"/> policy parked an event and stopped.</summary>
public sealed class ProjectionStoppedException(string projection, ProjectedEvent projected, Exception cause)
    : Exception($"Projection {projection} stopped at {projected.PersistenceId} #{projected.Version} (offset {projected.Offset}).", cause);
