using Akka.Actor;
using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.Actors.Hosting;
using BankAccounts.Domain;

namespace BankAccounts.Api.Http;

/// <summary>An answer from the account entity, or the fact that none came in time.</summary>
internal readonly record struct AccountAnswer<T>(T? Value, bool TimedOut);

/// <summary>Sends commands to the account shard region and waits for the durable answer.</summary>
internal sealed class AccountCommandSender(IRequiredActor<AccountActor> region, BankAccountsOptions options)
{
    public TimeSpan Timeout => options.Accounts.AskTimeout;

    public Task<AccountAnswer<CommandOutcome>> SendAsync(AccountCommand command, CancellationToken cancellationToken) =>
        AskAsync<CommandOutcome>(command, cancellationToken);

    public Task<AccountAnswer<AccountState>> GetStateAsync(AccountId id, CancellationToken cancellationToken) =>
        AskAsync<AccountState>(new AccountMessages.GetAccountState(id), cancellationToken);

    private async Task<AccountAnswer<T>> AskAsync<T>(object message, CancellationToken cancellationToken) =>
        await ShardAsk.AskAsync<T>(await region.GetAsync(cancellationToken), message, Timeout, cancellationToken);
}

/// <summary>An ask to a shard region whose timeout is an answer, not an exception.</summary>
internal static class ShardAsk
{
    public static async Task<AccountAnswer<T>> AskAsync<T>(IActorRef region, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return new(await region.Ask<T>(message, timeout, cancellationToken), false);
        }
        catch (AskTimeoutException)
        {
            return new(default, true);
        }
    }
}
