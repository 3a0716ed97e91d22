using Akka.Actor;
using BankAccounts.Actors.Serialization;
using BankAccounts.Domain;

namespace BankAccounts.Actors.Chain;

/// <summary>
/// The head of one stream's tamper-evident hash chain, kept by the entity that writes the stream, and
/// the sealing of its events: each event is stamped with the hash of its predecessor's stored bytes,
/// then serialized once, and those very bytes are what the journal stores and what the next event links to.
/// </summary>
/// <remarks>
/// Recovery: the head starts at a snapshot's head, then follows every replayed event's stored hash
/// (<see cref="StoredEventHashes.OfStored"/>, taken from the bytes as read, so even a release-1 event
/// anchors the chain). An empty stream starts from <see cref="StoredEventHashes.Genesis"/>.
/// </remarks>
internal sealed class EventChain
{
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly bool _enabled;

    public EventChain(ActorSystem system, string persistenceId, bool enabled)
    {
        _serialization = system.Serialization;
        _enabled = enabled;
        _head = StoredEventHashes.Genesis(persistenceId);
    }

    private string? _head;

    /// <summary>The hash of the last stored event (the genesis on an empty stream); null while unknown, and always when sealing is off.</summary>
    public string? Head => _enabled ? _head : null;

    /// <summary>Whether events can be sealed now: the head is known, or sealing is off.</summary>
    public bool IsReady => _head is not null || !_enabled;

    /// <summary>Recovery found a snapshot: its head (null for a snapshot written before the chain).</summary>
    public void StartFrom(string? snapshotHead) => _head = snapshotHead;

    /// <summary>Recovery replayed a stored event.</summary>
    public void Follow(object storedEvent) => _head = StoredEventHashes.OfStored(storedEvent);

    /// <summary>The head learnt from the journal (the stored hash of the last event).</summary>
    public void Learn(string head) => _head = head;

    public IReadOnlyList<AccountEvent> Seal(IReadOnlyList<AccountEvent> events) =>
        _enabled ? [.. events.Select(e => Sealed(e with { Metadata = e.Metadata with { PreviousHash = CurrentHead() } }))] : events;

    public IReadOnlyList<TransferEvent> Seal(IReadOnlyList<TransferEvent> events) =>
        _enabled ? [.. events.Select(e => Sealed(e with { Metadata = e.Metadata with { PreviousHash = CurrentHead() } }))] : events;

    private string CurrentHead() => _head ?? throw new InvalidOperationException("The chain's head is unknown: learn it before sealing.");

    private T Sealed<T>(T @event) where T : notnull
    {
        var serializer = _serialization.FindSerializerFor(@event);
        // Another serializer (only ever configured by hand) is trusted to serialize deterministically.
        var bytes = serializer is BankAccountsSerializer ours ? ours.Seal(@event) : serializer.ToBinary(@event);
        _head = StoredEventHashes.Of(bytes);
        StoredEventHashes.RememberRead(@event, bytes);
        return @event;
    }
}
