using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace BankAccounts.Actors.Persistence;

/// <summary>
/// Akka.Persistence.Sql's journal, answering a write of no events as done. An entity that defers an answer
/// (<c>DeferAsync</c>) while its own events are still being written sends the journal a batch holding only that
/// deferred message; Akka hands the plugin an empty list for it, and the plugin's <c>WriteMessagesAsync</c> (1.5.73)
/// takes the first element's persistence id and throws "Sequence contains no elements". Each throw counts as a
/// journal failure for the circuit breaker; once accounts have outgrown their idempotency window every command defers
/// its history lookup, so under load the breaker opened and failed every write for 30 s. Configured as the journal
/// plugin's <c>class</c> in <c>config/akka.hocon</c>.
/// </summary>
public sealed class SqlJournalWithoutEmptyWrites(Config journalConfig) : SqlWriteJournal(journalConfig)
{
    private static readonly Task<IImmutableList<Exception>> NothingWritten = Task.FromResult<IImmutableList<Exception>>(ImmutableList<Exception>.Empty);

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyCollection<AtomicWrite> ?? [.. messages];
        return writes.Count == 0 ? NothingWritten : base.WriteMessagesAsync(writes, cancellationToken);
    }
}
