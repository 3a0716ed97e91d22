using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Actors;
using BankAccounts.Actors.Chain;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.ReadModel.Integrity;

/// <summary>Money per currency: where it is, and whether it adds up.</summary>
/// <param name="InFlight">Debited by a transfer but neither credited nor refunded yet.</param>
/// <param name="NetExternal">Deposits minus withdrawals: the only way money enters or leaves the bank.</param>
public sealed record CurrencyTotals(string Currency, decimal Balances, decimal InFlight, decimal NetExternal)
{
    public decimal Total => Balances + InFlight;

    public bool Balanced => Total == NetExternal;
}

/// <param name="CheckedUpToOffset">The journal ordering the account and transfer streams were folded up to.</param>
/// <param name="ReadModelOffset">Where the read model stood; it was compared with the accounts as they were at that ordering.</param>
/// <param name="Events">Account and transfer events folded.</param>
public sealed record IntegrityReport(
    long CheckedUpToOffset, long ReadModelOffset, int Accounts, long Events, IReadOnlyList<CurrencyTotals> Money, IReadOnlyList<string> Drift)
{
    public bool Consistent => Drift.Count == 0 && Money.All(m => m.Balanced);
}

/// <summary>
/// Folds every account and transfer stream of the journal with the domain's own <see cref="Account.Evolve"/>
/// and <see cref="Transfer.Evolve"/>, in one pass in journal order, and reports as drift:
/// <list type="bullet">
/// <item>an account whose read-model row differs from its stream at exactly the offset the read model has
/// reached (read in the same transaction as the rows), so projection lag is never drift;</item>
/// <item>a transfer whose end is not matched on the accounts (<see cref="TransferCrossCheck"/>): failed
/// without its debit refunded, completed without debit, credit and both settlements;</item>
/// <item>an account still holding as pending a transfer that ended or does not exist, a transfer pending
/// for longer than <see cref="ReadModelOptions.InFlightDriftAfter"/>, a transfer in any other unfinished status.</item>
/// <item>a stream whose tamper-evident hash chain does not hold (<see cref="ChainWalker"/>: a missing event, or one
/// that does not link to its predecessor); <c>GET /accounts/{id}/verify</c> and the <c>verify</c> verb classify it.</item>
/// </list>
/// It also checks that no money was created or lost: balances plus in-flight transfers equal deposits minus
/// withdrawals, per currency. Memory grows with accounts, unfinished transfers and streams (one chain position
/// each), not with events.
/// </summary>
public sealed class LedgerIntegrityCheck(
    ActorSystem system, IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options, TimeProvider? clock = null)
{
    /// <summary>Events handed over from the journal query per pull: enough to make the hand-over cheap.</summary>
    private const int ChunkSize = 256;

    private readonly Lazy<IMaterializer> _materializer = new(() => system.Materializer());

    public Task<IntegrityReport> RunAsync(CancellationToken cancellationToken = default) =>
        RunAsync(static (_, _) => ValueTask.CompletedTask, cancellationToken);

    /// <param name="onDrift">Called with each drift as soon as it is found, e.g. to stream it to the caller.</param>
    /// <param name="cancellationToken">Stops the journal query and the fold.</param>
    public async Task<IntegrityReport> RunAsync(Func<string, CancellationToken, ValueTask> onDrift, CancellationToken cancellationToken)
    {
        var (readModelOffset, summaries, parked) = await ReadModelAsync(cancellationToken);
        // A parked stream is drift with a known cause: say so first (its account, if any, is compared below too).
        var drift = parked.Select(p =>
            $"Projection {p.Projection} parked stream {p.PersistenceId} at version {p.Version} ({p.Events} events waiting): {p.Reason}" +
            (p.Error is null ? "." : $", {p.Error}")).ToList();
        var reported = 0;
        var transfers = new TransferCrossCheck(drift.Add);
        var states = new Dictionary<AccountId, AccountState.Opened>();
        var unfoldable = new HashSet<AccountId>();
        var chains = new Dictionary<string, ChainWalker?>(StringComparer.Ordinal);
        var netExternal = new Dictionary<string, decimal>();
        var comparedWithReadModel = false;
        long events = 0, offset = 0;

        // One query over the whole journal, not one per tag: a single cut, so a transfer's end is never
        // seen without the account legs written before it. The kill switch stops the query when the
        // caller goes away (or the fold fails) instead of reading the journal to its end for nobody.
        var (stop, queue) = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .CurrentAllEvents(Offset.NoOffset())
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .Grouped(ChunkSize)
            .ToMaterialized(Sink.Queue<IEnumerable<EventEnvelope>>(), Keep.Both)
            .Run(_materializer.Value);
        try
        {
            while (await queue.PullAsync().WaitAsync(cancellationToken) is { HasValue: true } chunk)
            {
                foreach (var envelope in chunk.Value)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    offset = ((Sequence)envelope.Offset).Value;
                    if (!comparedWithReadModel && offset > readModelOffset)
                    {
                        CompareWithReadModel(states, summaries, drift);
                        comparedWithReadModel = true;
                    }
                    if (envelope.Event is AccountEvent or TransferEvent)
                    {
                        FollowChain(chains, envelope, drift);
                    }
                    switch (envelope.Event)
                    {
                        case AccountEvent @event when AccountPersistenceId.TryParse(envelope.PersistenceId, out var id):
                            events++;
                            Fold(states, unfoldable, id, envelope, @event, drift);
                            CountExternal(@event, netExternal);
                            transfers.Apply(id, @event);
                            break;
                        case TransferEvent @event when TransferPersistenceId.TryParse(envelope.PersistenceId, out var id):
                            events++;
                            transfers.Apply(id, @event);
                            break;
                        case AccountEvent or TransferEvent:
                            drift.Add($"Stream {envelope.PersistenceId} holds a {envelope.Event.GetType().Name}, which belongs in another kind of stream.");
                            break;
                    }
                }
                for (; reported < drift.Count; reported++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await onDrift(drift[reported], cancellationToken);
                }
            }
        }
        finally
        {
            stop.Shutdown();
        }

        if (!comparedWithReadModel)
        {
            CompareWithReadModel(states, summaries, drift);
        }
        transfers.Finish(states.Values, (clock ?? TimeProvider.System).GetUtcNow(), options.InFlightDriftAfter);
        for (; reported < drift.Count; reported++)
        {
            await onDrift(drift[reported], cancellationToken);
        }
        return new IntegrityReport(offset, readModelOffset, states.Count, events, MoneyOf(states.Values, transfers, netExternal), drift);
    }

    /// <summary>
    /// One more event of an account's stream, folded with <see cref="Account.Evolve"/>. A stream that does not begin
    /// with the account's opening (<see cref="Account.CanFollow"/>) cannot be folded: reported once, the rest of it skipped.
    /// </summary>
    private static void Fold(
        Dictionary<AccountId, AccountState.Opened> states, HashSet<AccountId> unfoldable, AccountId id, EventEnvelope envelope, AccountEvent @event, List<string> drift)
    {
        if (unfoldable.Contains(id))
        {
            return;
        }
        AccountState state = states.TryGetValue(id, out var opened) ? opened : AccountState.Initial(id);
        if (Account.CanFollow(state, @event))
        {
            states[id] = Account.Evolve(state, @event);
            return;
        }
        unfoldable.Add(id);
        drift.Add($"Stream {envelope.PersistenceId} cannot be folded: event {envelope.SequenceNr} is a {@event.GetType().Name} on an account " +
                  $"{(state is AccountState.NotOpened ? "not opened yet" : "already opened")}; a stream begins with its one opening.");
    }

    /// <summary>One more event of its stream's chain (the journal query returns a stream's events in sequence order); a stream is reported once.</summary>
    private static void FollowChain(Dictionary<string, ChainWalker?> chains, EventEnvelope envelope, List<string> drift)
    {
        if (!chains.TryGetValue(envelope.PersistenceId, out var walker))
        {
            walker = chains[envelope.PersistenceId] = new ChainWalker(envelope.PersistenceId);
        }
        if (walker?.Next(JournalChains.LinkOf(envelope)) is { } broken)
        {
            drift.Add($"Stream {envelope.PersistenceId}: the hash chain breaks at event {broken.SequenceNr} ({broken.Detail}).");
            chains[envelope.PersistenceId] = null;
        }
    }

    private async Task<(long Offset, Dictionary<Guid, AccountSummary> Summaries, List<ParkedHead> Parked)> ReadModelAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var offset = await db.Offsets.AsNoTracking()
            .Where(o => o.Projection == ProjectionNames.AccountLedger).Select(o => o.Offset).FirstOrDefaultAsync(cancellationToken);
        var summaries = await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.AccountId, cancellationToken);
        var parked = (await db.ParkedEvents.AsNoTracking().ToListAsync(cancellationToken))
            .GroupBy(p => (p.Projection, p.PersistenceId))
            .Select(g =>
            {
                var first = g.MinBy(p => p.Version)!;
                return new ParkedHead(first.Projection, first.PersistenceId, first.Version, g.Count(), first.Reason, first.Error);
            })
            .OrderBy(p => p.Projection, StringComparer.Ordinal).ThenBy(p => p.PersistenceId, StringComparer.Ordinal)
            .ToList();
        await transaction.CommitAsync(cancellationToken);
        return (offset, summaries, parked);
    }

    private sealed record ParkedHead(string Projection, string PersistenceId, long Version, int Events, string Reason, string? Error);

    /// <summary>The read model against the accounts folded so far, i.e. at the read model's offset.</summary>
    private static void CompareWithReadModel(
        IReadOnlyDictionary<AccountId, AccountState.Opened> states, Dictionary<Guid, AccountSummary> summaries, List<string> drift)
    {
        foreach (var (id, state) in states)
        {
            if (!summaries.Remove(id.Value, out var summary))
            {
                drift.Add($"Account {id} is in the journal but not in the read model.");
                continue;
            }
            var status = state.IsClosed ? AccountStatuses.Closed : AccountStatuses.Open;
            if ((summary.Balance, summary.Version, summary.Status) != (state.Balance, state.Version, status))
            {
                drift.Add($"Account {id}: read model has balance {summary.Balance}, version {summary.Version}, {summary.Status}; " +
                          $"the journal says {state.Balance}, version {state.Version}, {status}.");
            }
        }
        drift.AddRange(summaries.Keys.Select(id => $"Account {id} is in the read model but not in the journal."));
    }

    private static List<CurrencyTotals> MoneyOf(
        IEnumerable<AccountState.Opened> states, TransferCrossCheck transfers, Dictionary<string, decimal> netExternal) =>
        states
            .GroupBy(s => s.Currency.Code)
            .Select(g => new CurrencyTotals(
                g.Key,
                g.Sum(s => s.Balance),
                g.SelectMany(s => s.PendingTransfers.All).Where(p => !transfers.HasArrived(p.Key)).Sum(p => p.Value.Amount),
                netExternal.GetValueOrDefault(g.Key)))
            .OrderBy(t => t.Currency)
            .ToList();

    private static void CountExternal(AccountEvent @event, Dictionary<string, decimal> netExternal)
    {
        switch (@event)
        {
            case MoneyDeposited deposited:
                netExternal[deposited.Amount.Currency.Code] = netExternal.GetValueOrDefault(deposited.Amount.Currency.Code) + deposited.Amount.Amount;
                break;
            case MoneyWithdrawn withdrawn:
                netExternal[withdrawn.Amount.Currency.Code] = netExternal.GetValueOrDefault(withdrawn.Amount.Currency.Code) - withdrawn.Amount.Amount;
                break;
        }
    }
}
