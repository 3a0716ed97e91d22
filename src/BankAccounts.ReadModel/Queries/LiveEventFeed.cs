using System.Buffers;
using System.Text;
using System.Text.Json;
using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams.Dsl;
using BankAccounts.Actors;
using BankAccounts.Actors.Persistence;
using BankAccounts.Domain;

namespace BankAccounts.ReadModel.Queries;

/// <summary>One event of a live feed.</summary>
/// <param name="Id">Its position in the feed: the sequence number in an account's feed, the journal's global ordering in the feed of all accounts.</param>
/// <param name="Type">The storage manifest, e.g. <c>MoneyDeposited.v2</c>.</param>
/// <param name="Json">
/// The event's stored JSON, exactly as <c>GET /accounts/{id}/events</c> serves it; in the all-accounts feed
/// wrapped with the account id and sequence number.
/// </param>
public sealed record LiveEvent(long Id, string Type, string Json);

/// <summary>
/// Endless feeds of account events straight from the journal: first what is already stored after a
/// position, then each new event as it is persisted. The journal's own queries do the hand-over from
/// catch-up to live, by sequence number (one account) or global ordering (all accounts), so a feed has
/// no gap and no duplicate. They poll the journal and pull: a consumer that waits only delays the next read.
/// </summary>
public sealed class LiveEventFeed(ActorSystem system, AccountEventStream events)
{
    private readonly Lazy<SqlReadJournal> _journal = new(() =>
        PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier));

    /// <summary>The account's events with a sequence number above <paramref name="afterSequenceNr"/>, in stream order.</summary>
    public Source<LiveEvent, NotUsed> Account(AccountId accountId, long afterSequenceNr)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequenceNr);
        var from = afterSequenceNr == long.MaxValue ? long.MaxValue : afterSequenceNr + 1;
        return _journal.Value
            .EventsByPersistenceId(AccountPersistenceId.For(accountId), from, long.MaxValue)
            .Select(envelope => ToLive(envelope.SequenceNr, envelope.Event));
    }

    /// <summary>Every account's events with a global ordering above <paramref name="afterOffset"/>, in that order.</summary>
    public Source<LiveEvent, NotUsed> AllAccounts(long afterOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterOffset);
        return _journal.Value
            .EventsByTag(EventTagger.AccountTag, Offset.Sequence(afterOffset))
            .Select(envelope => envelope.Offset is Sequence ordering && AccountPersistenceId.TryParse(envelope.PersistenceId, out var accountId)
                ? InEnvelope(ordering.Value, accountId, envelope.SequenceNr, envelope.Event)
                : throw new InvalidOperationException($"The account feed gave {envelope.PersistenceId} #{envelope.SequenceNr} without an ordering or an account."));
    }

    /// <summary>
    /// An event of the all-accounts feed: the stored JSON does not always name its account (a deposit does
    /// not), so it travels as <c>data</c> inside <c>{"accountId", "sequenceNr", "data"}</c>, byte for byte.
    /// </summary>
    private LiveEvent InEnvelope(long ordering, AccountId accountId, long sequenceNr, object @event)
    {
        var (manifest, json) = events.StoredForm(@event);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("accountId", accountId.ToString());
            writer.WriteNumber("sequenceNr", sequenceNr);
            writer.WritePropertyName("data");
            writer.WriteRawValue(json, skipInputValidation: true);
            writer.WriteEndObject();
        }
        return new LiveEvent(ordering, manifest, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private LiveEvent ToLive(long id, object @event)
    {
        var (manifest, json) = events.StoredForm(@event);
        return new LiveEvent(id, manifest, Encoding.UTF8.GetString(json));
    }
}
