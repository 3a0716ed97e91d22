using Akka.Cluster.Sharding;
using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>Routes every transfer message to the process manager named by its transfer id.</summary>
public sealed class TransferMessageExtractor(int shardCount) : HashCodeMessageExtractor(shardCount)
{
    public override string? EntityId(object message) => message switch
    {
        RequestTransfer request => request.TransferId.ToString(),
        TransferMessages.GetTransfer query => query.TransferId.ToString(),
        TransferMessages.ResumeTransfer resume => resume.TransferId.ToString(),
        _ => null,
    };
}
