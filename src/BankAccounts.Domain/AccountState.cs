namespace BankAccounts.Domain;

public enum AccountStatus
{
    NotOpened = 0,
    Open = 1,
    Closed = 2,
}

/// <summary>The current state of one account: the left fold of its events with <see cref="Account.Evolve"/>.</summary>
/// <param name="PendingTransfers">Transfers debited from this account, not yet settled or refunded.</param>
/// <param name="PendingCredits">Transfers credited to this account, not yet settled.</param>
public sealed record AccountState(
    AccountId Id,
    AccountStatus Status,
    string Owner,
    Currency Currency,
    decimal Balance,
    decimal OverdraftLimit,
    long Version,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? UpdatedAt,
    RecentCommands RecentCommands,
    PendingTransfers PendingTransfers,
    PendingTransfers PendingCredits)
{
    public static AccountState Initial(AccountId id) =>
        new(id, AccountStatus.NotOpened, string.Empty, Currency.EUR, 0m, 0m, 0L, null, null, RecentCommands.Empty, PendingTransfers.None, PendingTransfers.None);

    /// <summary>The owning customer's subject; null for accounts opened before owners were recorded.</summary>
    public string? OwnerId { get; init; }

    /// <summary>
    /// The head of the account stream's hash chain: the hash of the stored event at <see cref="Version"/>,
    /// as the entity that wrote or read it knows it. Opaque here (the write side computes it); null when unknown.
    /// </summary>
    public string? ChainHead { get; init; }

    /// <summary>What can still be withdrawn: the balance plus the overdraft limit.</summary>
    public decimal Available => Balance + OverdraftLimit;
}
