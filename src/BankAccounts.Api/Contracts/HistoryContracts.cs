namespace BankAccounts.Api.Contracts;

/// <param name="Direction"><c>outgoing</c> (debited here, not yet settled or refunded) or <c>incoming</c> (credited here, not yet settled).</param>
public sealed record PendingTransferResponse(Guid TransferId, string Direction, decimal Amount);

/// <summary>The account as it was right after event <paramref name="Version"/> (<c>?atVersion=</c>), or as of an instant (<c>?asOf=</c>).</summary>
/// <param name="UpdatedAt">When event <paramref name="Version"/> happened.</param>
/// <param name="ChainHead">The SHA-256 of event <paramref name="Version"/>'s stored bytes: the hash chain's head at that point.</param>
/// <param name="AsOf">The instant asked for, if any.</param>
public sealed record AccountAsOfResponse(
    Guid AccountId,
    string Owner,
    string Currency,
    decimal Balance,
    decimal OverdraftLimit,
    string Status,
    long Version,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    string? ChainHead,
    IReadOnlyList<PendingTransferResponse> PendingTransfers,
    DateTimeOffset? AsOf);

/// <param name="End">The end of the interval (exclusive): the balance holds every entry before it.</param>
public sealed record BalancePointResponse(DateTimeOffset End, decimal Balance);

/// <summary>End-of-interval balances of a period, for charts.</summary>
/// <param name="OpeningBalance">The balance at <paramref name="From"/>, before any entry of the period.</param>
/// <param name="Balances">One point per interval, empty intervals included; the last one ends at <paramref name="To"/>.</param>
public sealed record BalanceSeriesResponse(
    Guid AccountId, string Currency, DateTimeOffset From, DateTimeOffset To, string Interval, string TimeZone,
    decimal OpeningBalance, IReadOnlyList<BalancePointResponse> Balances);

/// <param name="Declined">A refused withdrawal, transfer debit or closure: listed for the record, it moves no money (amount 0).</param>
/// <param name="Amount">Signed: positive money in, negative money out.</param>
/// <param name="EventHash">The SHA-256 of the event's stored bytes.</param>
public sealed record StatementEntryResponse(
    long Version, DateTimeOffset OccurredAt, string EventType, bool Declined, decimal Amount, decimal BalanceAfter,
    string? Reference, Guid? TransferId, string? EventHash);

/// <summary>An account statement for the period [from, to): OpeningBalance + TotalIn − TotalOut = ClosingBalance.</summary>
/// <param name="ClosingVersion">The version of the last entry before <paramref name="To"/> (null before the account's opening).</param>
/// <param name="ChainHead">The hash chain's head at the closing entry: the SHA-256 of its stored bytes.</param>
public sealed record StatementResponse(
    Guid AccountId, string Currency, DateTimeOffset From, DateTimeOffset To, string TimeZone,
    decimal OpeningBalance, IReadOnlyList<StatementEntryResponse> Entries, decimal TotalIn, decimal TotalOut, decimal ClosingBalance,
    long? ClosingVersion, string? ChainHead);
