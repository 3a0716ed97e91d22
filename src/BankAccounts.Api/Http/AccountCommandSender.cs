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

    public async Task<AccountAnswer<CommandOutcome>> SendAsync(AccountCommand command, CancellationToken cancellationToken)
    {
        // The ask is a client span of the request; the entity's span becomes its child through the command.
        using var ask = Telemetry.CommandTelemetry.StartAsk(command);
        var answer = await AskAsync<CommandOutcome>(Telemetry.CommandTelemetry.Traced(command, ask), cancellationToken);
        Telemetry.CommandTelemetry.Answered(ask, answer.TimedOut);
        return answer;
    }

    public Task<AccountAnswer<AccountView>> GetViewAsync(AccountId id, CancellationToken cancellationToken) =>
        AskAsync<AccountView>(new AccountMessages.GetAccountView(id), cancellationToken);

    /// <summary>
    /// The terms an account was opened with, asked of the entity: only for an entity of an earlier release, whose
    /// acceptance of an opening does not carry them (<see cref="CommandAccepted.Opening"/>). It knows no
    /// <see cref="AccountMessages.GetAccountView"/>, so it is asked for its whole state, as before.
    /// </summary>
    public async Task<AccountAnswer<AccountOpening>> GetOpeningAsync(AccountId id, CancellationToken cancellationToken) =>
        await AskAsync<AccountState>(new AccountMessages.GetAccountState(id), cancellationToken) is { TimedOut: false, Value: AccountState.Opened state }
            ? new(new AccountOpening(state.Owner, state.Currency, state.OverdraftLimit), false)
            : new(null, true);

    private async Task<AccountAnswer<T>> AskAsync<T>(object message, CancellationToken cancellationToken) =>
        await ShardAsk.AskAsync<T>(await region.GetAsync(cancellationToken), message, Timeout, cancellationToken);
}

/// <summary>
/// An ask to a shard region whose timeout is an answer, not an exception. Sharding delivers at most once:
/// a message the region buffered for a shard that is being handed over (a rebalance, a node leaving) can
/// be dropped. So an unanswered ask is repeated every <see cref="RepeatAfter"/> until the timeout; every
/// message carries its command or transfer id, and the entity answers a repeat with the original outcome
/// without applying it again.
/// </summary>
internal static class ShardAsk
{
    public static readonly TimeSpan RepeatAfter = TimeSpan.FromSeconds(3);

    public static async Task<AccountAnswer<T>> AskAsync<T>(IActorRef region, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started) is var remaining && remaining > TimeSpan.Zero)
        {
            try
            {
                return new(await region.Ask<T>(message, remaining < RepeatAfter ? remaining : RepeatAfter, cancellationToken), false);
            }
            catch (AskTimeoutException)
            {
                // Not answered (yet): send it again while time remains.
            }
        }
        return new(default, true);
    }
}
