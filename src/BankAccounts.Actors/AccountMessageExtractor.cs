using Akka.Cluster.Sharding;
using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>Routes every account message to the entity named by its account id.</summary>
public sealed class AccountMessageExtractor(int shardCount) : HashCodeMessageExtractor(shardCount)
{
    public override string? EntityId(object message) => message switch
    {
        AccountCommand command => command.AccountId.ToString(),
        AccountMessages.GetAccountState query => query.AccountId.ToString(),
        AccountMessages.GetAccountView query => query.AccountId.ToString(),
        _ => null,
    };
}
