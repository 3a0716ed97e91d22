namespace BankAccounts.Domain;

public enum AccountStatus
{
    NotOpened = 0,
    Open = 1,
    Closed = 2,
}

/// <summary>
/// The current state of one account, the left fold of its events with <see cref="Account.Evolve"/>: either
/// <see cref="NotOpened"/> (no event yet, so no owner and no currency) or <see cref="Opened"/> (open, or closed
/// since). A closed hierarchy: no other case can derive from it.
/// </summary>
public abstract record AccountState
{
    private AccountState(AccountId id, long version)
    {
        Id = id;
        Version = version;
    }

    public AccountId Id { get; }

    /// <summary>How many events the account's stream holds: 0 until it is opened.</summary>
    public long Version { get; init; }

    public abstract AccountStatus Status { get; }

    /// <summary>
    /// The head of the account stream's hash chain: the hash of the stored event at <see cref="Version"/>,
    /// as the entity that wrote or read it knows it. Opaque here (the write side computes it); null when unknown.
    /// </summary>
    public string? ChainHead { get; init; }

    public static AccountState Initial(AccountId id) => new NotOpened(id);

    /// <summary>Nobody opened this account: its stream has no event.</summary>
    public sealed record NotOpened(AccountId Id) : AccountState(Id, 0L)
    {
        public override AccountStatus Status => AccountStatus.NotOpened;
    }

    /// <summary>An account that was opened (<see cref="IsClosed"/> once it is closed again): its terms, money and recent commands.</summary>
    /// <param name="PendingTransfers">Transfers debited from this account, not yet settled or refunded.</param>
    /// <param name="PendingCredits">Transfers credited to this account, not yet settled.</param>
    public sealed record Opened(
        AccountId Id,
        string Owner,
        Currency Currency,
        decimal Balance,
        decimal OverdraftLimit,
        long Version,
        DateTimeOffset OpenedAt,
        DateTimeOffset UpdatedAt,
        RecentCommands RecentCommands,
        PendingTransfers PendingTransfers,
        PendingTransfers PendingCredits)
        : AccountState(Id, Version)
    {
        /// <summary>The owning customer's subject; null for accounts opened before owners were recorded.</summary>
        public string? OwnerId { get; init; }

        public bool IsClosed { get; init; }

        public override AccountStatus Status => IsClosed ? AccountStatus.Closed : AccountStatus.Open;

        /// <summary>What can still be withdrawn: the balance plus the overdraft limit.</summary>
        public decimal Available => Balance + OverdraftLimit;
    }
}
