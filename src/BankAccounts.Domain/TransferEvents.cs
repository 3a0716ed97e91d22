namespace BankAccounts.Domain;

/// <summary>What happened to a transfer, as its process manager records it (stream <c>transfer-{id}</c>).</summary>
public abstract record TransferEvent(DateTimeOffset OccurredAt)
{
    /// <summary>Who caused it: always the principal who requested the transfer.</summary>
    public EventMetadata Metadata { get; init; } = EventMetadata.Legacy;
}

public static class TransferEvents
{
    public sealed record TransferRequested(
        TransferId TransferId, AccountId From, AccountId To, decimal Amount, string? Reference, CommandId CommandId, DateTimeOffset OccurredAt)
        : TransferEvent(OccurredAt);

    public sealed record SourceDebited(Money Amount, long SourceVersion, DateTimeOffset OccurredAt) : TransferEvent(OccurredAt);

    /// <summary>The source refused or could not be debited: the transfer ends as failed, nothing moved.</summary>
    public sealed record SourceDebitFailed(string Reason, string Detail, DateTimeOffset OccurredAt) : TransferEvent(OccurredAt);

    public sealed record DestinationCredited(long DestinationVersion, DateTimeOffset OccurredAt) : TransferEvent(OccurredAt);

    /// <summary>The destination refused the credit: the source must be refunded.</summary>
    public sealed record DestinationCreditFailed(string Reason, string Detail, DateTimeOffset OccurredAt) : TransferEvent(OccurredAt);

    /// <summary>Compensation done: the transfer ends as failed with the credit failure as its reason.</summary>
    public sealed record SourceRefunded(long SourceVersion, DateTimeOffset OccurredAt) : TransferEvent(OccurredAt);

    /// <summary>The source knows the money arrived.</summary>
    public sealed record SourceSettled(long SourceVersion, DateTimeOffset OccurredAt) : TransferEvent(OccurredAt);

    /// <summary>
    /// A settle or refund the account refused for a reason other than "already applied", again and
    /// again: the transfer cannot finish by itself and needs a person (it is never counted as done).
    /// </summary>
    public sealed record TransferStuck(TransferStep Step, string Reason, string Detail, DateTimeOffset OccurredAt) : TransferEvent(OccurredAt);

    /// <summary>The destination knows its credit was recorded here and stops guarding against a resent credit: the transfer is completed.</summary>
    public sealed record DestinationSettled(long DestinationVersion, DateTimeOffset OccurredAt) : TransferEvent(OccurredAt);
}
