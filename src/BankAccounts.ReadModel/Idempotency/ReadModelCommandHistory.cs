using BankAccounts.Actors;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Idempotency;

/// <summary>
/// The command history from the read model's <c>command_history</c> table (one primary-key probe),
/// written by the ledger projection in the same transaction as the account's summary. Where the
/// projection has not reached the versions the window forgot (it lags, or is being rebuilt), it says
/// how far it got and the entity reads the rest from the journal, so a miss is never wrongly taken
/// for a new command.
/// </summary>
public sealed class ReadModelCommandHistory(IDbContextFactory<ReadModelDbContext> dbFactory) : ICommandHistory
{
    public async Task<HistoryAnswer> FindAsync(AccountId account, CommandId command, long forgottenThrough, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Also the id release 1 gave the same key: a request sent before the upgrade and retried after it.
        var legacy = command.ReleaseOneForm?.Value ?? command.Value;
        var record = await db.CommandHistory.AsNoTracking()
            .Where(c => c.AccountId == account.Value && (c.CommandId == command.Value || c.CommandId == legacy))
            .OrderByDescending(c => c.CommandId == command.Value).ThenByDescending(c => c.Version)
            .FirstOrDefaultAsync(cancellationToken);
        if (record is not null)
        {
            return new HistoryAnswer(forgottenThrough, ToProcessed(record));
        }
        var projectedVersion = await db.Accounts.AsNoTracking()
            .Where(a => a.AccountId == account.Value).Select(a => (long?)a.Version).SingleOrDefaultAsync(cancellationToken) ?? 0L;
        return new HistoryAnswer(Math.Min(projectedVersion, forgottenThrough), null);
    }

    private static ProcessedCommand ToProcessed(CommandRecord record) => new(
        new CommandId(record.CommandId), (CommandKind)record.Kind, record.Amount, record.Details,
        record.Declined
            ? new CommandDeclined(record.Version, record.Balance, Enum.Parse<DeclineReason>(record.Reason ?? string.Empty), record.Detail ?? string.Empty)
            : new CommandAccepted(record.Version, record.Balance));
}
