using BankAccounts.Actors.Persistence;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Storage;

namespace BankAccounts.ReadModel.Projections;

/// <summary>An event as the read side sees it: where it sits in the journal and in its stream.</summary>
public sealed record ProjectedEvent(long Offset, string PersistenceId, long Version, object Event)
{
    public AccountId AccountId => BankAccounts.Actors.AccountPersistenceId.TryParse(PersistenceId, out var id)
        ? id
        : throw new InvalidOperationException($"'{PersistenceId}' is not an account stream.");

    public static ProjectedEvent From(Akka.Persistence.Query.EventEnvelope envelope) =>
        envelope.Offset is Akka.Persistence.Query.Sequence sequence && envelope.Event is not null
            ? new ProjectedEvent(sequence.Value, envelope.PersistenceId, envelope.SequenceNr, envelope.Event)
            : throw new InvalidOperationException($"Unexpected entry in the journal: {envelope.PersistenceId} #{envelope.SequenceNr}.");

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

    /// <summary>The streams whose events this projection follows.</summary>
    ProjectedStreams Streams { get; }

    Task ApplyAsync(ReadModelDbContext db, IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken);

    /// <summary>Deletes every row this projection owns (for a rebuild from offset zero).</summary>
    Task ResetAsync(ReadModelDbContext db, CancellationToken cancellationToken);
}

/// <summary>
/// A kind of stream a projection follows: the journal tag its events are written under, and what the persistence ids
/// of those streams start with (reconciliation pages through them). The two belong together: the tagger tags each
/// kind of stream with one tag.
/// </summary>
public sealed record ProjectedStreams(string Tag, string Prefix)
{
    public static readonly ProjectedStreams Accounts = new(EventTagger.AccountTag, BankAccounts.Actors.AccountPersistenceId.Prefix);

    public static readonly ProjectedStreams Transfers = new(EventTagger.TransferTag, BankAccounts.Actors.TransferPersistenceId.Prefix);
}

/// <summary>An event cannot be applied: its stream lacks an earlier event (the writer parks such a stream).</summary>
public sealed class ProjectionGapException(string message) : Exception(message);

/// <summary>Per-stream guard of a read model row that remembers the version it has applied.</summary>
public static class StreamVersion
{
    /// <summary>
    /// True when <paramref name="projected"/> is newer than what the row has applied. The writer delivers each stream
    /// in order without gaps (it fills them from the journal or parks the stream), except after an operator skipped an
    /// event; false for an event already applied (a guard: the offset and the stream versions make that unreachable).
    /// </summary>
    public static bool IsNext(ProjectedEvent projected, long applied) => projected.Version > applied;
}
