using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.Actors.Hosting;
using BankAccounts.Domain;

namespace BankAccounts.Api.Http;

/// <summary>Talks to the transfer process managers' shard region.</summary>
internal sealed class TransferSender(IRequiredActor<TransferProcessActor> region, BankAccountsOptions options)
{
    public TimeSpan Timeout => options.Accounts.AskTimeout;

    /// <summary>The transfer's state once its request is durable, or a <see cref="CommandRejected"/>.</summary>
    public Task<AccountAnswer<object>> RequestAsync(RequestTransfer request, CancellationToken cancellationToken) =>
        AskAsync<object>(request, cancellationToken);

    public Task<AccountAnswer<TransferState>> GetAsync(TransferId id, CancellationToken cancellationToken) =>
        AskAsync<TransferState>(new TransferMessages.GetTransfer(id), cancellationToken);

    private async Task<AccountAnswer<T>> AskAsync<T>(object message, CancellationToken cancellationToken) =>
        await ShardAsk.AskAsync<T>(await region.GetAsync(cancellationToken), message, Timeout, cancellationToken);
}
