using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>
/// An indexed history of the commands an account processed that its idempotency window no longer
/// holds: consulted by the entity on a miss (<see cref="Account.NeedsHistoryLookup"/>), so a key is
/// honoured for the retention period whatever the traffic on the account.
/// </summary>
public interface ICommandHistory
{
    /// <param name="forgottenThrough">The window forgot commands up to this account version; nothing newer can be missing from it.</param>
    Task<HistoryAnswer> FindAsync(AccountId account, CommandId command, long forgottenThrough, CancellationToken cancellationToken);
}

/// <summary>What a command history knows of a command id.</summary>
/// <param name="CheckedThrough">The account version up to which the history is complete; a miss says nothing about later versions.</param>
/// <param name="Command">The command and its outcome, when found.</param>
public readonly record struct HistoryAnswer(long CheckedThrough, ProcessedCommand? Command);

/// <summary>A host without a read side has no indexed history: the journal answers everything.</summary>
public sealed class NoCommandHistory : ICommandHistory
{
    public static readonly NoCommandHistory Instance = new();

    public Task<HistoryAnswer> FindAsync(AccountId account, CommandId command, long forgottenThrough, CancellationToken cancellationToken) =>
        Task.FromResult(new HistoryAnswer(0L, null));
}

/// <summary>
/// The journal's answer for the versions an indexed history has not reached, kept by one entity
/// while it lives: the command ids of those versions are read once and indexed, so a busy account
/// whose history lags reads each event once, not once per command. The outcome of a command found
/// this way needs the balance right after it: the stream is folded up to it (a retry, rare).
/// </summary>
internal sealed class JournalCommandIndex(ActorSystem system, AccountId account)
{
    private readonly Dictionary<CommandId, long> _versions = [];
    private long _from = long.MaxValue;
    private long _through;

    public async Task<ProcessedCommand?> FindAsync(CommandId command, long fromVersion, long throughVersion)
    {
        if (fromVersion < _from)
        {
            // First use, or the indexed history went back (its read model is being rebuilt): index from there.
            _versions.Clear();
            (_from, _through) = (fromVersion, fromVersion - 1);
        }
        if (throughVersion > _through)
        {
            // Only what was read counts as indexed: versions still being written are read next time.
            await foreach (var (sequenceNr, @event) in ReadAsync(_through + 1, throughVersion))
            {
                _versions[@event.CommandId] = sequenceNr;
                _through = sequenceNr;
            }
        }
        var found = _versions.TryGetValue(command, out var version) ? version
            : command.ReleaseOneForm is { } legacy && _versions.TryGetValue(legacy, out var legacyVersion) ? legacyVersion
            : 0L;
        return found == 0L ? null : await OutcomeAtAsync(found);
    }

    private async Task<ProcessedCommand> OutcomeAtAsync(long version)
    {
        AccountState.Opened? state = null;
        AccountEvent? last = null;
        await foreach (var (_, @event) in ReadAsync(1L, version))
        {
            state = Account.Evolve(state ?? AccountState.Initial(account), @event);
            last = @event;
        }
        // The version was found in the stream, so at least one event was read.
        return Account.Remembered(last!, state!.Version, state.Balance, state.Currency);
    }

    private async IAsyncEnumerable<(long SequenceNr, AccountEvent Event)> ReadAsync(long from, long to)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var envelopes = await journal.CurrentEventsByPersistenceId(AccountPersistenceId.For(account), from, to)
            .RunWith(Akka.Streams.Dsl.Sink.Seq<EventEnvelope>(), system.Materializer());
        foreach (var envelope in envelopes)
        {
            yield return (envelope.SequenceNr, (AccountEvent)envelope.Event);
        }
    }
}
