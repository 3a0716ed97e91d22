namespace BankAccounts.Api.Contracts;

/// <summary>The result of checking an account stream's hash chain (<c>GET /accounts/{id}/verify</c>).</summary>
/// <param name="Valid">True when every link holds and every anchor (snapshot, live entity, a head you sent) matches.</param>
/// <param name="EventsChecked">Stored events read.</param>
/// <param name="ChainStartsAt">The first chained event; the events before it were written before the chain existed (release 1 and 2). Null when none is chained.</param>
/// <param name="LastSequenceNr">The last stored event read.</param>
/// <param name="Head">SHA-256 (lower-case hex) of the last stored event's bytes: the value a statement prints and a later check compares with.</param>
/// <param name="Break">The first broken link, or null.</param>
public sealed record ChainVerificationResponse(
    Guid AccountId, bool Valid, long EventsChecked, long? ChainStartsAt, long LastSequenceNr, string Head, ChainBreakResponse? Break);

/// <param name="SequenceNr">Where the chain breaks: the event that was modified, inserted, moved, or the first one missing.</param>
/// <param name="Kind">missing, modified, inserted, reordered or unreadable.</param>
/// <param name="Detail">What does not hold, in words.</param>
public sealed record ChainBreakResponse(long SequenceNr, string Kind, string Detail);
