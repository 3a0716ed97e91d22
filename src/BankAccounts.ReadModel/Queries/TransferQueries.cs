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
        // Newest first from each side's index, at most a page each; the page is their merge.
        var sent = await db.Transfers.AsNoTracking().Where(t => t.FromAccountId == accountId)
            .OrderByDescending(t => t.RequestedAtTicks).Take(limit).ToListAsync(cancellationToken);
        var received = await db.Transfers.AsNoTracking().Where(t => t.ToAccountId == accountId)
            .OrderByDescending(t => t.RequestedAtTicks).Take(limit).ToListAsync(cancellationToken);
        return [.. sent.Concat(received).OrderByDescending(t => t.RequestedAtTicks).ThenBy(t => t.TransferId).Take(limit)];
    }
}
