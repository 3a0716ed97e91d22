namespace BankAccounts.Domain;

/// <summary>
/// Something that happened to an account. Immutable and never deleted; the stream version
/// (journal sequence number) rises by one per event. Every event remembers the command that
/// caused it, so the idempotency window can be rebuilt from the stream, and who caused it
/// (<see cref="Metadata"/>).
/// </summary>
public abstract record AccountEvent(CommandId CommandId, DateTimeOffset OccurredAt)
{
    public EventMetadata Metadata { get; init; } = EventMetadata.Legacy;
}

public static class AccountEvents
{
    public sealed record AccountOpened(
        AccountId AccountId, string Owner, Currency Currency, decimal OverdraftLimit, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt)
    {
        /// <summary>The owning customer's subject; null for accounts opened before owners were recorded (reachable by staff only).</summary>
        public string? OwnerId { get; init; }
    }

    public sealed record MoneyDeposited(Money Amount, string? Reference, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    public sealed record MoneyWithdrawn(Money Amount, string? Reference, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    /// <summary>A refused withdrawal, kept for the audit trail. It changes no balance.</summary>
    public sealed record WithdrawalDeclined(
        Money Requested, decimal Available, WithdrawalDeclineReason Reason, string? Reference, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    public sealed record AccountClosed(CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    /// <summary>A refused closure, kept for the audit trail.</summary>
    public sealed record AccountClosureDeclined(ClosureDeclineReason Reason, decimal Balance, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    /// <summary>Money left the source account for a transfer; it stays pending on the source until settled or refunded.</summary>
    public sealed record TransferDebited(
        TransferId TransferId, AccountId CreditAccountId, Money Amount, string? Reference, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    /// <summary>A refused transfer debit, kept for the audit trail. It changes no balance.</summary>
    public sealed record TransferDebitDeclined(
        TransferId TransferId, AccountId CreditAccountId, Money Requested, decimal Available, WithdrawalDeclineReason Reason, string? Reference,
        CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    /// <summary>Money arrived on the destination account from a transfer.</summary>
    public sealed record TransferCredited(
        TransferId TransferId, AccountId DebitAccountId, Money Amount, string? Reference, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    /// <summary>The destination was credited: the transfer is no longer pending on the source.</summary>
    public sealed record TransferSettled(TransferId TransferId, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);

    /// <summary>The destination could not be credited: the debited amount came back to the source.</summary>
    public sealed record TransferRefunded(TransferId TransferId, Money Amount, string Reason, CommandId CommandId, DateTimeOffset OccurredAt)
        : AccountEvent(CommandId, OccurredAt);
}

public enum WithdrawalDeclineReason
{
    /// <summary>The withdrawal would take the balance below minus the overdraft limit.</summary>
    InsufficientFunds = 1,
}

public enum ClosureDeclineReason
{
    /// <summary>Only an account with a balance of exactly zero can be closed.</summary>
    NonZeroBalance = 1,

    /// <summary>Money sent by a transfer is still on its way; the account may need it back.</summary>
    TransfersPending = 2,
}
