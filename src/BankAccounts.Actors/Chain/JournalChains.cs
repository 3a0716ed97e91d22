using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Actors.Serialization;
using BankAccounts.Domain;

namespace BankAccounts.Actors.Chain;

/// <summary>
/// Reads streams' hash chains from the journal (and the latest snapshot's head) and checks them with
/// <see cref="ChainVerifier"/>: the verify endpoint, the offline <c>verify</c> verb and the specs use it.
/// </summary>
/// <remarks>
/// One stream's links are held in memory while it is checked (about 200 bytes an event). Keep one instance per
/// actor system (a singleton in the host): each owns a materializer. An actor passes its own (<c>Context.Materializer()</c>).
/// </remarks>
public sealed class JournalChains(ActorSystem system, IMaterializer? materializer = null)
{
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(30);
    private readonly Lazy<IMaterializer> _materializer = new(() => materializer ?? system.Materializer());

    private SqlReadJournal Journal => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);

    /// <summary>Every stream of the journal, accounts and transfers alike, in name order.</summary>
    public async Task<IReadOnlyList<string>> PersistenceIdsAsync(CancellationToken cancellationToken)
    {
        var ids = await Journal.CurrentPersistenceIds().RunWith(Sink.Seq<string>(), _materializer.Value).WaitAsync(cancellationToken);
        return [.. ids.Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Checks one stream against its own links and the latest snapshot's head, plus <paramref name="anchors"/>
    /// (e.g. the live entity's head). <paramref name="writtenThrough"/>, when given, is read after the stream
    /// (see <see cref="ChainVerifier.Verify"/>), so it is asked for through a callback.
    /// </summary>
    public async Task<ChainReport> VerifyAsync(
        string persistenceId, IEnumerable<ChainAnchor>? anchors = null, Func<Task<long?>>? writtenThrough = null, CancellationToken cancellationToken = default)
    {
        var (links, unreadable) = await ReadLinksAsync(persistenceId, cancellationToken);
        var allAnchors = (anchors ?? []).ToList();
        if (await SnapshotHeadAsync(persistenceId) is { } snapshot)
        {
            allAnchors.Add(snapshot);
        }
        var through = unreadable is null && writtenThrough is not null ? await writtenThrough() : null;
        var report = ChainVerifier.Verify(persistenceId, links, allAnchors, through);
        return unreadable is not null && (report.Break is null || report.Break.SequenceNr >= unreadable.SequenceNr)
            ? report with { Valid = false, Break = unreadable }
            : report;
    }

    /// <summary>The stream's links in sequence order; when an event cannot be read, the links before it and where it failed.</summary>
    public async Task<(IReadOnlyList<ChainLink> Links, ChainBreak? Unreadable)> ReadLinksAsync(string persistenceId, CancellationToken cancellationToken)
    {
        var links = new List<ChainLink>();
        try
        {
            await Journal.CurrentEventsByPersistenceId(persistenceId, 0L, long.MaxValue)
                .RunForeach(envelope => links.Add(LinkOf(envelope)), _materializer.Value)
                .WaitAsync(cancellationToken);
            return (links, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var at = links.Count > 0 ? links[^1].SequenceNr + 1 : 1;
            return (links, new ChainBreak(at, ChainBreakKind.Unreadable, $"the event after {at - 1} cannot be read: {e.GetBaseException().Message}"));
        }
    }

    /// <summary>The hash of the bytes event <paramref name="sequenceNr"/> of a stream is stored as (an entity learning its head).</summary>
    public async Task<string> StoredHashAtAsync(string persistenceId, long sequenceNr)
    {
        var envelopes = await Journal.CurrentEventsByPersistenceId(persistenceId, sequenceNr, sequenceNr)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer.Value);
        return envelopes is [var stored] && StoredEventHashes.OfStored(stored.Event) is { } hash
            ? hash
            : throw new InvalidOperationException($"Event {sequenceNr} of {persistenceId} could not be read.");
    }

    /// <summary>The stored event as a link: its carried link and the hash of its stored bytes.</summary>
    public static ChainLink LinkOf(EventEnvelope envelope)
    {
        var previous = envelope.Event switch
        {
            AccountEvent e => e.Metadata.PreviousHash,
            TransferEvent e => e.Metadata.PreviousHash,
            _ => null,
        };
        var stored = StoredEventHashes.OfStored(envelope.Event)
            ?? throw new InvalidOperationException($"Event {envelope.SequenceNr} of {envelope.PersistenceId} was not read by the bank's serializer.");
        return new ChainLink(envelope.SequenceNr, previous, stored);
    }

    /// <summary>The head the latest snapshot recorded, when it recorded one (snapshots written before the chain did not).</summary>
    public async Task<ChainAnchor?> SnapshotHeadAsync(string persistenceId)
    {
        var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
        var answer = await store.Ask<object>(new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), SnapshotTimeout);
        return answer switch
        {
            LoadSnapshotResult { Snapshot: { Snapshot: AccountState { ChainHead: { } head } } snapshot } =>
                new ChainAnchor(snapshot.Metadata.SequenceNr, head, "snapshot"),
            LoadSnapshotFailed failed => throw new InvalidOperationException($"The snapshot of {persistenceId} cannot be read.", failed.Cause),
            _ => null,
        };
    }
}
