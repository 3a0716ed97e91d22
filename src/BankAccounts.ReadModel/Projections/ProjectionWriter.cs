using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Applies a batch of events and moves the projection's offset in the same database transaction:
/// after a crash at any point, the read model and the offset agree, so the projector resumes with
/// no event skipped or applied twice.
/// </summary>
public sealed class ProjectionWriter(IDbContextFactory<ReadModelDbContext> dbFactory)
{
    public async Task<long> ReadOffsetAsync(string projection, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Offsets.AsNoTracking()
            .Where(o => o.Projection == projection)
            .Select(o => o.Offset)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task WriteAsync(IProjection projection, IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var offset = await db.Offsets.FirstOrDefaultAsync(o => o.Projection == projection.Name, cancellationToken);
        if (offset is null)
        {
            offset = new ProjectionOffset { Projection = projection.Name };
            db.Offsets.Add(offset);
        }
        // Anything at or below the stored offset is already in the read model.
        var fresh = batch.Where(e => e.Offset > offset.Offset).ToList();
        if (fresh.Count == 0)
        {
            return;
        }
        using var activity = Telemetry.ProjectionTelemetry.StartApply(projection.Name, fresh);
        await projection.ApplyAsync(db, fresh, cancellationToken);
        offset.Offset = fresh[^1].Offset;
        offset.UpdatedAt = DateTimeOffset.UtcNow;
        await SqliteBatchSave.SaveChangesAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Empties the projection's rows and offset atomically, ready to replay from zero.</summary>
    public async Task ResetAsync(IProjection projection, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await projection.ResetAsync(db, cancellationToken);
        await db.Offsets.Where(o => o.Projection == projection.Name).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
