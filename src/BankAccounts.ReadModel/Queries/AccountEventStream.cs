using System.Text.Json;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Serialization;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Actors;
using BankAccounts.Domain;

namespace BankAccounts.ReadModel.Queries;

/// <summary>One event of an account's stream as the journal holds it.</summary>
/// <param name="Type">The storage manifest, e.g. <c>MoneyDeposited.v1</c>.</param>
/// <param name="Data">The event's stored JSON, as the serializer writes it.</param>
public sealed record StoredAccountEvent(long SequenceNr, string Type, DateTimeOffset OccurredAt, JsonElement Data);

/// <summary>
/// The raw event stream of one account, straight from the journal (not the read model): the
/// audit view, always as complete as the write side.
/// </summary>
public sealed class AccountEventStream(ActorSystem system)
{
    private readonly Lazy<SqlReadJournal> _journal = new(() =>
        PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>("akka.persistence.query.journal.sql"));

    private readonly Lazy<IMaterializer> _materializer = new(() => system.Materializer());

    /// <summary>Up to <paramref name="limit"/> events from <paramref name="fromSequenceNr"/> on, in order.</summary>
    public async Task<IReadOnlyList<StoredAccountEvent>> ReadAsync(
        AccountId accountId, long fromSequenceNr, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequenceNr, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // Sequence numbers are gapless (events are never deleted), so the range is exact.
        var toSequenceNr = fromSequenceNr > long.MaxValue - limit ? long.MaxValue : fromSequenceNr + limit - 1;
        var envelopes = await _journal.Value
            .CurrentEventsByPersistenceId(AccountPersistenceId.For(accountId), fromSequenceNr, toSequenceNr)
            .Take(limit)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer.Value)
            .WaitAsync(cancellationToken);
        return [.. envelopes.Select(ToStored)];
    }

    /// <summary>Whether the account's stream has any event (it was opened at some point).</summary>
    public async Task<bool> ExistsAsync(AccountId accountId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(accountId, 1, 1, cancellationToken)).Count > 0;

    /// <summary>
    /// Whether the account was ever opened and, if so, its owning customer (null for accounts opened
    /// before owners were recorded), from its first event: as current as the write side, for
    /// authorizing reads of the journal itself.
    /// </summary>
    public async Task<(bool Exists, string? OwnerId)> OwnerAsync(AccountId accountId, CancellationToken cancellationToken = default)
    {
        var first = await _journal.Value
            .CurrentEventsByPersistenceId(AccountPersistenceId.For(accountId), 1, 1)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer.Value)
            .WaitAsync(cancellationToken);
        return first.Count > 0 && first[0].Event is AccountEvents.AccountOpened opened ? (true, opened.OwnerId) : (false, null);
    }

    private StoredAccountEvent ToStored(EventEnvelope envelope)
    {
        var @event = envelope.Event;
        var (manifest, bytes) = StoredForm(@event);
        using var json = JsonDocument.Parse(bytes);
        var occurredAt = @event is AccountEvent accountEvent
            ? accountEvent.OccurredAt
            : DateTimeOffset.FromUnixTimeMilliseconds(envelope.Timestamp);
        return new StoredAccountEvent(envelope.SequenceNr, manifest, occurredAt, json.RootElement.Clone());
    }

    /// <summary>An event's storage manifest and JSON, as the serializer writes it (what <c>/events</c> and the live feeds serve).</summary>
    internal (string Manifest, byte[] Json) StoredForm(object @event)
    {
        var serializer = system.Serialization.FindSerializerFor(@event);
        var manifest = serializer is SerializerWithStringManifest withManifest
            ? withManifest.Manifest(@event)
            : Akka.Serialization.Serialization.ManifestFor(serializer, @event);
        return (manifest, serializer.ToBinary(@event));
    }
}
