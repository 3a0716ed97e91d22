using BankAccounts.Domain;

namespace BankAccounts.Actors.Serialization;

/// <summary>Stored shape of a snapshot (<c>AccountState.v2</c>), decoupled from <see cref="AccountState"/>.</summary>
/// <remarks>
/// Fields added later are optional: a snapshot stored before <see cref="PendingCredits"/> existed reads it as empty.
/// v2 added <see cref="OwnerId"/> and <see cref="ForgottenThrough"/> (release-1 snapshots are upcast,
/// <see cref="AccountStateV1ToV2"/>), and carries <see cref="ChainHead"/>, the hash chain's head at the snapshot (null in snapshots written before the chain).
/// </remarks>
internal sealed record AccountStateV2(
    AccountId Id,
    AccountStatus Status,
    string Owner,
    Currency Currency,
    decimal Balance,
    decimal OverdraftLimit,
    long Version,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? UpdatedAt,
    IReadOnlyList<ProcessedCommandV1> RecentCommands,
    IReadOnlyList<PendingTransferV1> PendingTransfers,
    IReadOnlyList<PendingTransferV1>? PendingCredits,
    string? OwnerId,
    long ForgottenThrough,
    string? ChainHead = null)
{
    public static AccountStateV2 From(AccountState state) => state switch
    {
        AccountState.Opened account => new(
            account.Id, account.Status, account.Owner, account.Currency, account.Balance, account.OverdraftLimit, account.Version,
            account.OpenedAt, account.UpdatedAt, [.. account.RecentCommands.InOrder.Select(ProcessedCommandV1.From)],
            From(account.PendingTransfers), From(account.PendingCredits), account.OwnerId, account.RecentCommands.ForgottenThrough, account.ChainHead),
        // Never a snapshot (no event, nothing to save): only a GetAccountState reply, in the exact bytes release 1
        // wrote for it, whose shape has no room for "no owner, no currency". The status tells it apart on reading.
        _ => new(state.Id, AccountStatus.NotOpened, string.Empty, Currency.EUR, 0m, 0m, state.Version,
            null, null, [], [], [], null, 0L, state.ChainHead),
    };

    public AccountState ToState() => Status == AccountStatus.NotOpened
        ? new AccountState.NotOpened(Id) { ChainHead = ChainHead }
        : new AccountState.Opened(
            Id, Owner, Currency, Balance, OverdraftLimit, Version, Stamp(OpenedAt), Stamp(UpdatedAt),
            Domain.RecentCommands.From(RecentCommands.Select(c => c.ToProcessed()), ForgottenThrough),
            ToPending(PendingTransfers), ToPending(PendingCredits))
        {
            OwnerId = OwnerId,
            IsClosed = Status == AccountStatus.Closed,
            ChainHead = ChainHead,
        };

    /// <summary>An opened account's times are always stored: every opening and every event set them.</summary>
    private DateTimeOffset Stamp(DateTimeOffset? stored) =>
        stored ?? throw new System.Runtime.Serialization.SerializationException($"The stored snapshot of account {Id} at version {Version} lacks a time.");

    private static PendingTransferV1[] From(Domain.PendingTransfers pending) =>
        [.. pending.All.Select(p => new PendingTransferV1(p.Key.Value, p.Value))];

    private static Domain.PendingTransfers ToPending(IReadOnlyList<PendingTransferV1>? stored) =>
        Domain.PendingTransfers.From((stored ?? []).Select(p => KeyValuePair.Create(new TransferId(p.TransferId), p.Amount)));
}

internal sealed record PendingTransferV1(Guid TransferId, Money Amount);

/// <summary>One entry of the idempotency window; only accepted and declined outcomes are ever kept.</summary>
internal sealed record ProcessedCommandV1(
    CommandId CommandId, CommandKind Kind, decimal Amount, string? Details, bool Declined, long Version, decimal Balance, string? Reason, string? Detail)
{
    public static ProcessedCommandV1 From(ProcessedCommand processed) => processed.Outcome switch
    {
        CommandAccepted accepted => new(processed.CommandId, processed.Kind, processed.Amount, processed.Details, false, accepted.Version, accepted.Balance, null, null),
        CommandDeclined declined => new(processed.CommandId, processed.Kind, processed.Amount, processed.Details, true, declined.Version, declined.Balance, declined.Reason.ToString(), declined.Detail),
        var other => throw new InvalidOperationException($"A {other.GetType().Name} is never kept in the idempotency window."),
    };

    public ProcessedCommand ToProcessed() => new(
        CommandId, Kind, Amount, Details,
        Declined ? new CommandDeclined(Version, Balance, Enum.Parse<DeclineReason>(Reason ?? string.Empty), Detail ?? string.Empty) : new CommandAccepted(Version, Balance));
}
