using BankAccounts.Domain;
using BankAccounts.ReadModel.Storage;

namespace BankAccounts.ReadModel.Projections;

/// <summary>An event as the read side sees it: where it sits in the journal and in its stream.</summary>
public sealed record ProjectedEvent(long Offset, string PersistenceId, long Version, object Event)
{
    public AccountId AccountId => BankAccounts.Actors.AccountPersistenceId.TryParse(PersistenceId, out var id)
        ? id
        : throw new InvalidOperationException($"'{PersistenceId}' is not an account stream.");

    public TransferId TransferId => BankAccounts.Actors.TransferPersistenceId.TryParse(PersistenceId, out var id)
        ? id
        : throw new InvalidOperationException($"'{PersistenceId}' is not a transfer stream.");
}

/// <summary>
/// Builds one read model from the event feed. Implementations only stage changes on the context;
/// <see cref="ProjectionWriter"/> saves them together with the offset in one transaction.
/// </summary>
public interface IProjection
{
    string Name { get; }

    /// <summary>The journal tag whose events this projection follows.</summary>
    string Tag { get; }

    Task ApplyAsync(ReadModelDbContext db, IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken);

    /// <summary>Deletes every row this projection owns (for a rebuild from offset zero).</summary>
    Task ResetAsync(ReadModelDbContext db, CancellationToken cancellationToken);
}

/// <summary>The feed delivered an event out of order: something upstream is wrong, so the projector stops rather than skip it.</summary>
public sealed class ProjectionGapException(string message) : Exception(message);

/// <summary>Per-stream guard of a read model row that remembers the version it has applied.</summary>
public static class StreamVersion
{
    /// <summary>
    /// True when <paramref name="version"/> is the next event of the stream; false when it is
    /// already applied (the offset makes that unreachable; kept as a guard); throws on a gap.
    /// </summary>
    public static bool IsNext(ProjectedEvent projected, long applied)
    {
        if (projected.Version <= applied)
        {
            return false;
        }
        return projected.Version == applied + 1
            ? true
            : throw new ProjectionGapException(
                $"{projected.PersistenceId}: event version {projected.Version} arrived but the read model is at {applied}.");
    }
}
