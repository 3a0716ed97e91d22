using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Actors;
using BankAccounts.Actors.Persistence;
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

public sealed record IntegrityReport(
    long CheckedUpToOffset, int Accounts, long Events, IReadOnlyList<CurrencyTotals> Money, IReadOnlyList<string> Drift)
{
    public bool Consistent => Drift.Count == 0 && Money.All(m => m.Balanced);
}

/// <summary>
/// Folds every account stream of the journal with the domain's own <see cref="Account.Evolve"/>
/// and compares the result with the read model, at exactly the offset the read model has reached
/// (read in the same transaction as the rows), so projection lag is never reported as drift.
/// It also checks that no money was created or lost: balances plus in-flight transfers equal
/// deposits minus withdrawals, per currency.
/// </summary>
public sealed class LedgerIntegrityCheck(ActorSystem system, IDbContextFactory<ReadModelDbContext> dbFactory)
{
    public async Task<IntegrityReport> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var offset = await db.Offsets.AsNoTracking()
            .Where(o => o.Projection == ProjectionNames.AccountLedger).Select(o => o.Offset).FirstOrDefaultAsync(cancellationToken);
        var summaries = await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.AccountId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var states = new Dictionary<AccountId, AccountState>();
        var transfers = new Dictionary<TransferId, (Money Debited, bool Arrived)>();
        var netExternal = new Dictionary<string, decimal>();
        long events = 0;
        await journal.CurrentEventsByTag(EventTagger.AccountTag, Offset.NoOffset())
            .TakeWhile(envelope => ((Sequence)envelope.Offset).Value <= offset)
            .RunForeach(envelope =>
            {
                events++;
                var id = AccountPersistenceId.TryParse(envelope.PersistenceId, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Unexpected stream {envelope.PersistenceId} under the account tag.");
                var @event = (AccountEvent)envelope.Event;
                states[id] = Account.Evolve(states.GetValueOrDefault(id) ?? AccountState.Initial(id), @event);
                Count(@event, transfers, netExternal);
            }, system.Materializer());

        var drift = new List<string>();
        foreach (var (id, state) in states)
        {
            if (!summaries.Remove(id.Value, out var summary))
            {
                drift.Add($"Account {id} is in the journal but not in the read model.");
                continue;
            }
            var status = state.Status == AccountStatus.Closed ? "closed" : "open";
            if ((summary.Balance, summary.Version, summary.Status) != (state.Balance, state.Version, status))
            {
                drift.Add($"Account {id}: read model has balance {summary.Balance}, version {summary.Version}, {summary.Status}; " +
                          $"the journal says {state.Balance}, version {state.Version}, {status}.");
            }
        }
        drift.AddRange(summaries.Keys.Select(id => $"Account {id} is in the read model but not in the journal."));

        var money = states.Values
            .GroupBy(s => s.Currency.Code)
            .Select(g => new CurrencyTotals(
                g.Key,
                g.Sum(s => s.Balance),
                transfers.Values.Where(t => !t.Arrived && t.Debited.Currency.Code == g.Key).Sum(t => t.Debited.Amount),
                netExternal.GetValueOrDefault(g.Key)))
            .OrderBy(t => t.Currency)
            .ToList();
        return new IntegrityReport(offset, states.Count, events, money, drift);
    }

    private static void Count(AccountEvent @event, Dictionary<TransferId, (Money Debited, bool Arrived)> transfers, Dictionary<string, decimal> netExternal)
    {
        switch (@event)
        {
            case MoneyDeposited deposited:
                netExternal[deposited.Amount.Currency.Code] = netExternal.GetValueOrDefault(deposited.Amount.Currency.Code) + deposited.Amount.Amount;
                break;
            case MoneyWithdrawn withdrawn:
                netExternal[withdrawn.Amount.Currency.Code] = netExternal.GetValueOrDefault(withdrawn.Amount.Currency.Code) - withdrawn.Amount.Amount;
                break;
            case TransferDebited debited:
                transfers[debited.TransferId] = (debited.Amount, transfers.TryGetValue(debited.TransferId, out var seen) && seen.Arrived);
                break;
            case TransferCredited credited:
                transfers[credited.TransferId] = (transfers.TryGetValue(credited.TransferId, out var debit) ? debit.Debited : credited.Amount, true);
                break;
            case TransferRefunded refunded:
                transfers[refunded.TransferId] = (refunded.Amount, true);
                break;
        }
    }
}
