using System.Collections.Immutable;

namespace BankAccounts.Domain;

public enum TransferStatus
{
    NotRequested = 0,
    Pending = 1,
    Completed = 2,
    Failed = 3,
    /// <summary>A settle or refund keeps being refused: needs a person (see <see cref="TransferEvents.TransferStuck"/>).</summary>
    Stuck = 4,
}

/// <summary>The next thing the process manager must get an account to do.</summary>
public enum TransferStep
{
    None = 0,
    Debit = 1,
    Credit = 2,
    /// <summary>Settle the source: the money arrived.</summary>
    Settle = 3,
    Refund = 4,
    /// <summary>Settle the destination: its credit is recorded, a resent credit can no longer come.</summary>
    SettleDestination = 5,
}

/// <summary>One line of a transfer's history, for <c>GET /transfers/{id}</c>.</summary>
public sealed record TransferStepTaken(string Step, DateTimeOffset At, string Detail);

/// <summary>The state of one transfer: the fold of its events with <see cref="Transfer.Evolve"/>.</summary>
public sealed record TransferState(
    TransferId Id,
    TransferStatus Status,
    AccountId From,
    AccountId To,
    decimal Amount,
    string? Reference,
    CommandId RequestId,
    Money? Debited,
    bool Credited,
    bool SourceSettled,
    bool CreditFailed,
    string? FailureReason,
    string? FailureDetail,
    DateTimeOffset? RequestedAt,
    DateTimeOffset? UpdatedAt,
    long Version,
    ImmutableList<TransferStepTaken> Steps)
{
    /// <summary>Who requested the transfer: every step acts, and is recorded, on their behalf.</summary>
    public EventMetadata Origin { get; init; } = EventMetadata.Legacy;

    public static TransferState Initial(TransferId id) =>
        new(id, TransferStatus.NotRequested, default, default, 0m, null, default, null, false, false, false, null, null, null, null, 0L, []);

    public TransferStep NextStep => Status != TransferStatus.Pending ? TransferStep.None
        : Debited is null ? TransferStep.Debit
        : CreditFailed ? TransferStep.Refund
        : SourceSettled ? TransferStep.SettleDestination
        : Credited ? TransferStep.Settle
        : TransferStep.Credit;

    public bool Equals(TransferState? other) =>
        other is not null
        && Origin == other.Origin
        && (Id, Status, From, To, Amount, Reference, RequestId, Debited, Credited, SourceSettled, CreditFailed, FailureReason, FailureDetail, RequestedAt, UpdatedAt, Version)
            == (other.Id, other.Status, other.From, other.To, other.Amount, other.Reference, other.RequestId, other.Debited, other.Credited, other.SourceSettled,
                other.CreditFailed, other.FailureReason, other.FailureDetail, other.RequestedAt, other.UpdatedAt, other.Version)
        && Steps.SequenceEqual(other.Steps);

    public override int GetHashCode() => HashCode.Combine(Id, Version);
}
