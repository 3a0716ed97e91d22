using BankAccounts.Actors.Persistence;

namespace BankAccounts.Actors.Hosting;

/// <summary>Everything the write side needs to start (configuration section <c>BankAccounts</c>).</summary>
public sealed class BankAccountsOptions
{
    public const string SectionName = "BankAccounts";

    /// <summary>Name of the actor system; all nodes of one cluster must share it.</summary>
    public const string ActorSystemName = "bank-accounts";

    public PersistenceOptions Journal { get; set; } = new();

    public AccountsOptions Accounts { get; set; } = new();

    public TransfersOptions Transfers { get; set; } = new();

    public ClusterNodeOptions Cluster { get; set; } = new();
}
