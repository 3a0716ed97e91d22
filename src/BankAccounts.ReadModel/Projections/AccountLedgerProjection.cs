using BankAccounts.Actors.Persistence;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Account summaries (balance, status, version, owner), one ledger entry per event (declines
/// included), and the command history behind the entities' idempotency windows.
/// </summary>
public sealed class AccountLedgerProjection : IProjection
{
    public string Name => ProjectionNames.AccountLedger;

    public string Tag => EventTagger.AccountTag;

    public string StreamPrefix => BankAccounts.Actors.AccountPersistenceId.Prefix;

    public async Task ApplyAsync(ReadModelDbContext db, IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Select(e => e.AccountId.Value).Distinct().ToList();
        var accounts = await db.Accounts.Where(a => ids.Contains(a.AccountId)).ToDictionaryAsync(a => a.AccountId, cancellationToken);
        foreach (var projected in batch)
        {
            accounts.TryGetValue(projected.AccountId.Value, out var account);
            if (!StreamVersion.IsNext(projected, account?.Version ?? 0L))
            {
                continue;
            }
            account = Apply(db, account, projected);
            accounts[projected.AccountId.Value] = account;
        }
    }

    public async Task ResetAsync(ReadModelDbContext db, CancellationToken cancellationToken)
    {
        await db.Ledger.ExecuteDeleteAsync(cancellationToken);
        await db.CommandHistory.ExecuteDeleteAsync(cancellationToken);
        await db.Accounts.ExecuteDeleteAsync(cancellationToken);
    }

    private static AccountSummary Apply(ReadModelDbContext db, AccountSummary? account, ProjectedEvent projected)
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
                Status = "open",
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
            account.Status = "closed";
        }
        account.Version = projected.Version;
        account.UpdatedAt = @event.OccurredAt;
        db.Ledger.Add(new LedgerEntry
        {
            AccountId = projected.AccountId.Value,
            Version = projected.Version,
            EventType = @event.GetType().Name,
            Amount = amount,
            BalanceAfter = account.Balance,
            Reference = reference,
            TransferId = transfer?.Value,
            OccurredAt = @event.OccurredAt,
            CausedBy = @event.Metadata.CausedBy.ToString(),
        });
        var remembered = Account.Remembered(@event, projected.Version, account.Balance, Currency.Find(account.Currency));
        var (wasDeclined, reason, detail) = remembered.Outcome is CommandDeclined d ? (true, d.Reason, d.Detail) : (false, null, null);
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
}
