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

    private async Task<AccountAnswer<T>> AskAsync<T>(object message, CancellationToken cancellationToken)
    {
        var accounts = await region.GetAsync(cancellationToken);
        try
        {
            return new(await accounts.Ask<T>(message, Timeout, cancellationToken), false);
        }
        catch (AskTimeoutException)
        {
            return new(default, true);
        }
    }
}
