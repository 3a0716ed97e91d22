namespace BankAccounts.ReadModel.Storage;

/// <summary>One row per account: what <c>GET /accounts/{id}</c> serves.</summary>
public sealed class AccountSummary
{
    public Guid AccountId { get; set; }
    public string Owner { get; set; } = string.Empty;
    /// <summary>The owning customer's subject; null for accounts opened before owners were recorded (staff only).</summary>
    public string? OwnerId { get; set; }
    public string Currency { get; set; } = string.Empty;
    public decimal Balance { get; set; }
    public decimal OverdraftLimit { get; set; }
    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public string Status { get; set; } = string.Empty;
    /// <summary>The version (stream sequence number) of the last event applied.</summary>
    public long Version { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    /// <summary>UTC ticks of <see cref="OpenedAt"/>: lists sort on it in the database (SQLite cannot sort stored DateTimeOffsets).</summary>
    public long OpenedAtTicks { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The <see cref="LedgerEntry.OccurredAtTicks"/> of the last entry: the next one is never earlier.</summary>
    public long LastEntryTicks { get; set; }
    /// <summary>The SHA-256 (hex) of the stored bytes of the last event applied: the hash chain's head.</summary>
    public string? ChainHead { get; set; }
}

/// <summary>One row per account event, declines included: the account statement.</summary>
public sealed class LedgerEntry
{
    public Guid AccountId { get; set; }
    public long Version { get; set; }
    /// <summary>The stored event name without its version suffix, e.g. <c>MoneyDeposited</c>.</summary>
    public string EventType { get; set; } = string.Empty;
    /// <summary>Signed: positive for money in, negative for money out, zero for declines and status changes.</summary>
    public decimal Amount { get; set; }
    public decimal BalanceAfter { get; set; }
    public string? Reference { get; set; }
    /// <summary>The transfer this entry belongs to, if any.</summary>
    public Guid? TransferId { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>Who caused it: <c>{role}:{subject}</c> of the event's principal.</summary>
    public string CausedBy { get; set; } = string.Empty;
    /// <summary>
    /// UTC ticks of <see cref="OccurredAt"/>, raised to the previous entry's when a clock stepped back: never
    /// decreasing along the stream, so "as of an instant" is always a prefix of it, found through an index.
    /// </summary>
    public long OccurredAtTicks { get; set; }
    /// <summary>The account's status right after this entry: <c>open</c> or <c>closed</c>.</summary>
    public string Status { get; set; } = string.Empty;
    /// <summary>The SHA-256 (hex) of the event's stored bytes; null if it was not read through the app's serializer.</summary>
    public string? EventHash { get; set; }
    /// <summary>
    /// The lowest <see cref="TransferHold.OpenedVersion"/> still unresolved right after this entry (null: none):
    /// the transfers pending at this version are found in a range of holds that starts there.
    /// </summary>
    public long? OldestPendingVersion { get; set; }
}

/// <summary>
/// A transfer pending on an account: from the entry that debited or credited it to the one that settled or
/// refunded it. Answers "which transfers were pending at version N" without replaying the stream.
/// </summary>
public sealed class TransferHold
{
    public Guid AccountId { get; set; }
    /// <summary>The version of the debit or credit that opened the hold (one hold per entry).</summary>
    public long OpenedVersion { get; set; }
    public Guid TransferId { get; set; }
    /// <summary><c>outgoing</c> (debited here, not yet settled or refunded) or <c>incoming</c> (credited here, not yet settled).</summary>
    public string Direction { get; set; } = string.Empty;
    public decimal Amount { get; set; }
    /// <summary>The version of the entry that settled or refunded it; null while still pending.</summary>
    public long? ResolvedVersion { get; set; }
}

/// <summary>
/// A command an account processed, with its outcome: the indexed command history behind each
/// entity's idempotency window (<see cref="Actors.ICommandHistory"/>), kept for the retention period.
/// </summary>
public sealed class CommandRecord
{
    public Guid AccountId { get; set; }
    public string CommandId { get; set; } = string.Empty;
    public long Version { get; set; }
    public int Kind { get; set; }
    public decimal Amount { get; set; }
    public string? Details { get; set; }
    public bool Declined { get; set; }
    public decimal Balance { get; set; }
    public string? Reason { get; set; }
    public string? Detail { get; set; }
    /// <summary>UTC ticks of the event: the retention cut-off compares these (SQLite cannot compare stored DateTimeOffsets).</summary>
    public long OccurredAtTicks { get; set; }
}

/// <summary>One row per transfer: its parties, amount and where it stands.</summary>
public sealed class TransferSummary
{
    public Guid TransferId { get; set; }
    public Guid FromAccountId { get; set; }
    public Guid ToAccountId { get; set; }
    public decimal Amount { get; set; }
    /// <summary>Known once the source was debited.</summary>
    public string? Currency { get; set; }
    public string? Reference { get; set; }
    /// <summary><c>pending</c>, <c>completed</c>, <c>failed</c> or <c>stuck</c> (a settle or refund keeps being refused).</summary>
    public string Status { get; set; } = string.Empty;
    public string? FailureReason { get; set; }
    public long Version { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    /// <summary>UTC ticks of <see cref="RequestedAt"/>: lists sort on it in the database.</summary>
    public long RequestedAtTicks { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>UTC ticks of <see cref="UpdatedAt"/>: the stalled-transfer sweep finds what is due through an index on it.</summary>
    public long UpdatedAtTicks { get; set; }
}

/// <summary>A reaction to a refused operation (e.g. a declined closure alerts support).</summary>
public sealed class AccountAlert
{
    public Guid AccountId { get; set; }
    public long Version { get; set; }
    /// <summary><c>WithdrawalDeclined</c> or <c>AccountClosureDeclined</c>.</summary>
    public string Kind { get; set; } = string.Empty;
    public string Reason { get; set; } = string.Empty;
    public string Detail { get; set; } = string.Empty;
    public DateTimeOffset OccurredAt { get; set; }
}

/// <summary>How far a projection has read the journal's tagged feed; written in the same transaction as its rows.</summary>
public sealed class ProjectionOffset
{
    public string Projection { get; set; } = string.Empty;
    /// <summary>The journal ordering of the last event applied (0: nothing yet).</summary>
    public long Offset { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The read model schema version; a different one means the read model is dropped and rebuilt from the journal.</summary>
public sealed class SchemaInfo
{
    public int Version { get; set; }
}

/// <summary>
/// An event a projection did not apply: it failed (a poison event), its stream has a gap the journal cannot fill,
/// or an earlier event of its stream is parked (order within a stream is kept). The event itself stays in the
/// journal; a retry reads it from there.
/// </summary>
public sealed class ParkedEvent
{
    public string Projection { get; set; } = string.Empty;
    public string PersistenceId { get; set; } = string.Empty;
    public long Version { get; set; }
    /// <summary>The event's journal ordering (0 when it was never delivered, e.g. a missing event of a gap).</summary>
    public long Offset { get; set; }
    /// <summary><see cref="ParkedReasons"/>.</summary>
    public string Reason { get; set; } = string.Empty;
    public string? EventType { get; set; }
    /// <summary>The last error (for <see cref="ParkedReasons.Failed"/> and <see cref="ParkedReasons.Gap"/>).</summary>
    public string? Error { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset FirstFailureAt { get; set; }
    public DateTimeOffset LastFailureAt { get; set; }
}

public static class ParkedReasons
{
    /// <summary>Applying the event kept failing.</summary>
    public const string Failed = "failed";

    /// <summary>Events before it are missing from the journal.</summary>
    public const string Gap = "gap";

    /// <summary>An earlier event of the same stream is parked.</summary>
    public const string Behind = "behind";
}

/// <summary>Audit of a parked event an operator chose to skip: it is never applied to that projection.</summary>
public sealed class SkippedEvent
{
    public string Projection { get; set; } = string.Empty;
    public string PersistenceId { get; set; } = string.Empty;
    public long Version { get; set; }
    public string Reason { get; set; } = string.Empty;
    /// <summary>The parked event's error at the time it was skipped.</summary>
    public string? Error { get; set; }
    /// <summary><c>{role}:{subject}</c> of the operator.</summary>
    public string SkippedBy { get; set; } = string.Empty;
    public DateTimeOffset SkippedAt { get; set; }
}

/// <summary>The highest version of each stream a projection has applied (or skipped): the guard against gaps and duplicates.</summary>
public sealed class ProjectedStream
{
    public string Projection { get; set; } = string.Empty;
    public string PersistenceId { get; set; } = string.Empty;
    public long Version { get; set; }
}
