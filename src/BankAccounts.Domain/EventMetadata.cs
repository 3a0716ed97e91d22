using BankAccounts.Domain.Security;

namespace BankAccounts.Domain;

/// <summary>
/// What every stored event says about its origin (the v2 event envelope): who caused it and in which
/// request. One versioned envelope for all that events carry besides their facts, so attribution,
/// trace context and the hash chain are one schema change, not three.
/// </summary>
/// <param name="CausedBy">The principal whose command caused the event; for transfer steps, the one who requested the transfer.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the request that caused it, when there was one.</param>
/// <param name="PreviousHash">
/// The tamper-evident hash chain's link: the SHA-256 of the previous stored event's bytes (for the first
/// event of a stream, of the stream's genesis). Set by the write side just before the event is stored;
/// null for every event recorded before the chain existed.
/// </param>
public sealed record EventMetadata(Principal CausedBy, string? TraceParent = null, string? PreviousHash = null)
{
    /// <summary>The metadata of an event written before events carried any (release 1).</summary>
    public static readonly EventMetadata Legacy = new(Principal.Legacy);
}
