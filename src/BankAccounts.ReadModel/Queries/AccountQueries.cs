using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Queries;

/// <summary>
/// Reads of the account read model. Every query opens its own short-lived, untracked context:
/// the projectors own the writes, callers only ever look.
/// </summary>
public sealed class AccountQueries(IDbContextFactory<ReadModelDbContext> dbFactory)
{
    public async Task<AccountSummary?> GetAccountAsync(Guid accountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.AccountId == accountId, cancellationToken);
    }

    /// <summary>
    /// Polls until the account's summary has reached <paramref name="minVersion"/> or the
    /// deadline passes (read-your-writes on an eventually consistent read model).
    /// </summary>
    /// <returns>The summary at <paramref name="minVersion"/> or later, else the latest seen (possibly none).</returns>
    public async Task<(AccountSummary? Account, bool Reached)> GetAccountAtLeastAsync(
        Guid accountId, long minVersion, TimeSpan wait, TimeSpan pollInterval, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            var account = await GetAccountAsync(accountId, cancellationToken);
            if (account is not null && account.Version >= minVersion)
            {
                return (account, true);
            }
            if (clock.GetUtcNow() >= deadline)
            {
                return (account, false);
            }
            await Task.Delay(pollInterval, clock, cancellationToken);
        }
    }

    /// <summary>Ledger entries after <paramref name="afterVersion"/>, oldest first (keyset paging on the version).</summary>
    public async Task<IReadOnlyList<LedgerEntry>> GetTransactionsAsync(
        Guid accountId, long afterVersion, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Ledger.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.Version > afterVersion)
            .OrderBy(e => e.Version)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Accounts of exactly this owner name and/or owning customer, oldest first.</summary>
    public async Task<IReadOnlyList<AccountSummary>> GetAccountsByOwnerAsync(
        string? owner, string? ownerId, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var byOwner = db.Accounts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(owner))
        {
            byOwner = byOwner.Where(a => a.Owner == owner);
        }
        if (ownerId is not null)
        {
            byOwner = byOwner.Where(a => a.OwnerId == ownerId);
        }
        return await byOwner.OrderBy(a => a.OpenedAtTicks).ThenBy(a => a.AccountId).Take(limit).ToListAsync(cancellationToken);
    }
}
