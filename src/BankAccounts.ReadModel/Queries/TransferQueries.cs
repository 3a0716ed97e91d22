using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Queries;

/// <summary>Reads of the transfers read model.</summary>
public sealed class TransferQueries(IDbContextFactory<ReadModelDbContext> dbFactory)
{
    /// <summary>Transfers in or out of the account, newest first.</summary>
    public async Task<IReadOnlyList<TransferSummary>> GetTransfersOfAccountAsync(Guid accountId, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var transfers = await db.Transfers.AsNoTracking()
            .Where(t => t.FromAccountId == accountId || t.ToAccountId == accountId)
            .ToListAsync(cancellationToken);
        // DateTimeOffset does not sort in SQLite SQL; an account's transfer list is sorted here.
        return [.. transfers.OrderByDescending(t => t.RequestedAt).ThenBy(t => t.TransferId).Take(limit)];
    }
}
