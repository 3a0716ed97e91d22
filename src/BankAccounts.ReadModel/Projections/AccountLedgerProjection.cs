using BankAccounts.Actors.Serialization;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Account summaries (balance, status, version, owner, chain head), one ledger entry per event
/// (declines included; with what as-of reads need), the transfers pending on each account, and the
/// command history behind the entities' idempotency windows.
/// </summary>
public sealed class AccountLedgerProjection : IProjection
{
    /// <summary><see cref="TransferHold.Direction"/> of a transfer debited from the account.</summary>
    public const string Outgoing = "outgoing";
    /// <summary><see cref="TransferHold.Direction"/> of a transfer credited to the account.</summary>
    public const string Incoming = "incoming";

    public string Name => ProjectionNames.AccountLedger;

    public ProjectedStreams Streams => ProjectedStreams.Accounts;

    public async Task ApplyAsync(ReadModelDbContext db, IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(e => e.AccountId.Value).Distinct().ToList();
        var accounts = await db.Accounts.Where(a => ids.Contains(a.AccountId)).ToDictionaryAsync(a => a.AccountId, cancellationToken);
        var pending = (await db.TransferHolds.Where(h => ids.Contains(h.AccountId) && h.ResolvedVersion == null).ToListAsync(cancellationToken))
            .ToLookup(h => h.AccountId)
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var projected in batch)
        {
            accounts.TryGetValue(projected.AccountId.Value, out var account);
            if (!StreamVersion.IsNext(projected, account?.Version ?? 0L))
            {
                continue;
            }
            if (!pending.TryGetValue(projected.AccountId.Value, out var holds))
            {
                pending[projected.AccountId.Value] = holds = [];
            }
            account = Apply(db, account, holds, projected);
            accounts[projected.AccountId.Value] = account;
        }
    }

    public async Task ResetAsync(ReadModelDbContext db, CancellationToken cancellationToken)
    {
        await db.Ledger.ExecuteDeleteAsync(cancellationToken);
        await db.TransferHolds.ExecuteDeleteAsync(cancellationToken);
        await db.CommandHistory.ExecuteDeleteAsync(cancellationToken);
        await db.Accounts.ExecuteDeleteAsync(cancellationToken);
    }

    /// <param name="holds">The account's unresolved transfer holds, kept up to date here.</param>
    private static AccountSummary Apply(ReadModelDbContext db, AccountSummary? account, List<TransferHold> holds, ProjectedEvent projected)
    {
        var @event = (AccountEvent)projected.Event;
        if (@event is AccountOpened opened)
        {
            account = new AccountSummary
            {
                AccountId = opened.AccountId.Value,
                Owner = opened.Owner,
                OwnerId = opened.OwnerId,
                Currency = opened.Currency.Code,
                OverdraftLimit = opened.OverdraftLimit,
                Status = AccountStatuses.Open,
                OpenedAt = opened.OccurredAt,
                OpenedAtTicks = opened.OccurredAt.UtcTicks,
            };
            db.Accounts.Add(account);
        }
        else if (account is null)
        {
            throw new ProjectionGapException($"Account {projected.AccountId}: {@event.GetType().Name} before AccountOpened.");
        }

        var (amount, reference, transfer) = @event switch
        {
            MoneyDeposited deposited => (deposited.Amount.Amount, deposited.Reference, (TransferId?)null),
            MoneyWithdrawn withdrawn => (-withdrawn.Amount.Amount, withdrawn.Reference, null),
            WithdrawalDeclined declined => (0m, declined.Reference, null),
            TransferDebited debited => (-debited.Amount.Amount, debited.Reference, debited.TransferId),
            TransferDebitDeclined declined => (0m, declined.Reference, declined.TransferId),
            TransferCredited credited => (credited.Amount.Amount, credited.Reference, credited.TransferId),
            TransferSettled settled => (0m, null, settled.TransferId),
            TransferRefunded refunded => (refunded.Amount.Amount, refunded.Reason, refunded.TransferId),
            _ => (0m, null, null),
        };
        account.Balance += amount;
        if (@event is AccountClosed)
        {
            account.Status = AccountStatuses.Closed;
        }
        account.Version = projected.Version;
        account.UpdatedAt = @event.OccurredAt;
        account.LastEntryTicks = Math.Max(account.LastEntryTicks, @event.OccurredAt.UtcTicks);
        account.ChainHead = StoredEventHashes.OfStored(@event);
        TrackHolds(db, holds, @event, projected);
        db.Ledger.Add(new LedgerEntry
        {
            AccountId = projected.AccountId.Value,
            Version = projected.Version,
            EventType = EventKinds.Of(@event),
            Amount = amount,
            BalanceAfter = account.Balance,
            Reference = reference,
            TransferId = transfer?.Value,
            OccurredAt = @event.OccurredAt,
            CausedBy = @event.Metadata.CausedBy.ToString(),
            OccurredAtTicks = account.LastEntryTicks,
            Status = account.Status,
            EventHash = account.ChainHead,
            OldestPendingVersion = holds.Count == 0 ? null : holds.Min(h => h.OpenedVersion),
        });
        var remembered = Account.Remembered(@event, projected.Version, account.Balance, Currency.Find(account.Currency));
        var (wasDeclined, reason, detail) = remembered.Outcome is CommandDeclined d ? (true, d.Reason.ToString(), d.Detail) : (false, null, null);
        db.CommandHistory.Add(new CommandRecord
        {
            AccountId = projected.AccountId.Value,
            CommandId = remembered.CommandId.Value,
            Version = projected.Version,
            Kind = (int)remembered.Kind,
            Amount = remembered.Amount,
            Details = remembered.Details,
            Declined = wasDeclined,
            Balance = account.Balance,
            Reason = reason,
            Detail = detail,
            OccurredAtTicks = @event.OccurredAt.UtcTicks,
        });
        return account;
    }

    /// <summary>Opens and resolves holds exactly as <see cref="Account.Evolve"/> adds to and removes from the pending transfers.</summary>
    private static void TrackHolds(ReadModelDbContext db, List<TransferHold> holds, AccountEvent @event, ProjectedEvent projected)
    {
        switch (@event)
        {
            case TransferDebited debited:
                Open(debited.TransferId, Outgoing, debited.Amount.Amount);
                break;
            case TransferCredited credited:
                Open(credited.TransferId, Incoming, credited.Amount.Amount);
                break;
            case TransferSettled settled:
                Resolve(settled.TransferId, Outgoing);
                Resolve(settled.TransferId, Incoming);
                break;
            case TransferRefunded refunded:
                Resolve(refunded.TransferId, Outgoing);
                break;
        }

        void Open(TransferId transfer, string direction, decimal amount)
        {
            Resolve(transfer, direction); // the domain keeps one amount per transfer and direction: a second replaces the first
            var hold = new TransferHold
            {
                AccountId = projected.AccountId.Value,
                OpenedVersion = projected.Version,
                TransferId = transfer.Value,
                Direction = direction,
                Amount = amount,
            };
            db.TransferHolds.Add(hold);
            holds.Add(hold);
        }

        void Resolve(TransferId transfer, string direction)
        {
            foreach (var hold in holds.Where(h => h.TransferId == transfer.Value && h.Direction == direction).ToList())
            {
                hold.ResolvedVersion = projected.Version;
                holds.Remove(hold);
            }
        }
    }
}
