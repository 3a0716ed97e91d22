using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>
/// The commands an account processed that its idempotency window no longer holds: consulted by the
/// entity on a miss (<see cref="Account.NeedsHistoryLookup"/>), so a key is honoured for the
/// retention period whatever the traffic on the account.
/// </summary>
public interface ICommandHistory
{
    /// <param name="forgottenThrough">The window forgot commands up to this account version; nothing newer can be missing from it.</param>
    Task<HistoryAnswer> FindAsync(AccountId account, CommandId command, long forgottenThrough, CancellationToken cancellationToken);
}

/// <summary>What a command history knows of a command id.</summary>
/// <param name="Complete">False when the history has not caught up with <c>forgottenThrough</c>: its miss proves nothing.</param>
/// <param name="Command">The command and its outcome, when found.</param>
public readonly record struct HistoryAnswer(bool Complete, ProcessedCommand? Command);

/// <summary>
/// The authoritative answer, from the journal itself: folds the stream up to
/// <c>forgottenThrough</c> and remembers the command's outcome. Its cost grows with the stream, so
/// it serves hosts without a read side and the indexed history's rare fall-back (a history that
/// has not caught up with the account yet).
/// </summary>
public sealed class JournalCommandHistory(ActorSystem system) : ICommandHistory
{
    public async Task<HistoryAnswer> FindAsync(AccountId account, CommandId command, long forgottenThrough, CancellationToken cancellationToken)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var state = AccountState.Initial(account);
        ProcessedCommand? found = null;
        await journal.CurrentEventsByPersistenceId(AccountPersistenceId.For(account), 1L, forgottenThrough)
            .RunForeach(envelope =>
            {
                var @event = (AccountEvent)envelope.Event;
                state = Account.Evolve(state, @event);
                if (@event.CommandId == command || @event.CommandId == command.ReleaseOneForm)
                {
                    found = Account.Remembered(@event, state.Version, state.Balance, state.Currency);
                }
            }, system.Materializer());
        return new HistoryAnswer(Complete: true, found);
    }
}
