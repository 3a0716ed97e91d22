namespace BankAccounts.Actors;

/// <summary>Tuning of the account entities (configuration section <c>BankAccounts:Accounts</c>).</summary>
public sealed class AccountsOptions
{
    /// <summary>Shards the accounts are spread over; keep it about ten times the largest node count. Never change it on a live cluster.</summary>
    public int ShardCount { get; set; } = 100;

    /// <summary>A snapshot is saved after this many events since the previous one; older snapshots are deleted.</summary>
    public int SnapshotEvery { get; set; } = 100;

    /// <summary>An account that receives nothing for this long is stopped to free memory; it recovers on its next message.</summary>
    public TimeSpan PassivateIdleAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a caller waits for an account's answer.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether account events are sealed into the hash chain. Code only, never a configuration key (the
    /// binder sees public properties only): the benchmark turns it off to measure what the chain costs.
    /// </summary>
    internal bool ChainEvents { get; set; } = true;
}
