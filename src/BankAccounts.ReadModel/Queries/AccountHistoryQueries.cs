using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Queries;

/// <summary>A transfer in flight on the account at some point of its history.</summary>
/// <param name="Direction"><c>outgoing</c> (debited, not yet settled or refunded) or <c>incoming</c> (credited, not yet settled).</param>
public sealed record PendingTransferAt(Guid TransferId, string Direction, decimal Amount);

/// <summary>The account as it was right after <paramref name="Entry"/>.</summary>
public sealed record AccountAt(AccountSummary Account, LedgerEntry Entry, IReadOnlyList<PendingTransferAt> PendingTransfers);

/// <summary>The balance when an interval ended (everything before <paramref name="End"/>, exclusive).</summary>
public sealed record BalancePoint(DateTimeOffset End, decimal Balance);

/// <summary>
/// The entries of a period [from, to) with its opening and closing balances.
/// <paramref name="ChainHead"/> is the stored hash of the last entry before <c>to</c> (the closing entry), null if there is none.
/// </summary>
public sealed record Statement(
    decimal Opening, IReadOnlyList<LedgerEntry> Entries, decimal TotalIn, decimal TotalOut, decimal Closing, long? ClosingVersion, string? ChainHead);

/// <summary>
/// The account's past, from the ledger: as of a version or an instant, end-of-interval balances, statements.
/// Every lookup is an index seek on (account, version) or (account, occurred-at ticks), so its cost does not
/// grow with the length of the history; only a statement reads the entries of its period.
/// </summary>
public sealed class AccountHistoryQueries(IDbContextFactory<ReadModelDbContext> dbFactory)
{
    /// <summary>The entries a statement may hold: beyond it the caller asks for a shorter period.</summary>
    public const int MaxStatementEntries = 100_000;

    /// <summary>Events that were refused: listed on statements, they move no money.</summary>
    public static bool IsDeclined(string eventType) =>
        eventType is "WithdrawalDeclined" or "TransferDebitDeclined" or "AccountClosureDeclined";

    /// <summary>The account right after its event <paramref name="version"/>; null if the read model has no such entry (yet).</summary>
    public async Task<AccountAt?> AtVersionAsync(AccountSummary account, long version, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entry = await db.Ledger.AsNoTracking()
            .SingleOrDefaultAsync(e => e.AccountId == account.AccountId && e.Version == version, cancellationToken);
        return entry is null ? null : new AccountAt(account, entry, await PendingAtAsync(db, entry, cancellationToken));
    }

    /// <summary>The account with every event that occurred at or before <paramref name="instant"/>; null before its opening.</summary>
    public async Task<AccountAt?> AsOfAsync(AccountSummary account, DateTimeOffset instant, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entry = await LastBefore(db, account.AccountId, Inclusive(instant)).FirstOrDefaultAsync(cancellationToken);
        return entry is null ? null : new AccountAt(account, entry, await PendingAtAsync(db, entry, cancellationToken));
    }

    /// <summary>
    /// The balance before each of <paramref name="boundaries"/> (exclusive): the first is the opening balance
    /// of the period, each next one the balance at the end of an interval. Zero before the account's opening.
    /// </summary>
    public async Task<IReadOnlyList<BalancePoint>> BalancesAsync(
        Guid accountId, IReadOnlyList<DateTimeOffset> boundaries, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var points = new List<BalancePoint>(boundaries.Count);
        foreach (var boundary in boundaries)
        {
            var balance = await LastBefore(db, accountId, boundary.UtcTicks).Select(e => (decimal?)e.BalanceAfter).FirstOrDefaultAsync(cancellationToken);
            points.Add(new BalancePoint(boundary, balance ?? 0m));
        }
        return points;
    }

    /// <summary>The statement of [<paramref name="from"/>, <paramref name="to"/>); null when it would hold more than <paramref name="maxEntries"/> entries.</summary>
    public async Task<Statement?> StatementAsync(
        Guid accountId, DateTimeOffset from, DateTimeOffset to, int maxEntries = MaxStatementEntries, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var before = await LastBefore(db, accountId, from.UtcTicks).FirstOrDefaultAsync(cancellationToken);
        var entries = await db.Ledger.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.OccurredAtTicks >= from.UtcTicks && e.OccurredAtTicks < to.UtcTicks)
            .OrderBy(e => e.OccurredAtTicks).ThenBy(e => e.Version)
            .Take(maxEntries + 1)
            .ToListAsync(cancellationToken);
        if (entries.Count > maxEntries)
        {
            return null;
        }
        var opening = before?.BalanceAfter ?? 0m;
        var totalIn = entries.Where(e => e.Amount > 0m).Sum(e => e.Amount);
        var totalOut = -entries.Where(e => e.Amount < 0m).Sum(e => e.Amount);
        var closingEntry = entries.Count > 0 ? entries[^1] : before;
        return new Statement(opening, entries, totalIn, totalOut, closingEntry?.BalanceAfter ?? 0m, closingEntry?.Version, closingEntry?.EventHash);
    }

    /// <summary>Entries before <paramref name="ticksExclusive"/>, latest first (the index on account, ticks, version serves it).</summary>
    private static IQueryable<LedgerEntry> LastBefore(ReadModelDbContext db, Guid accountId, long ticksExclusive) =>
        db.Ledger.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.OccurredAtTicks < ticksExclusive)
            .OrderByDescending(e => e.OccurredAtTicks).ThenByDescending(e => e.Version);

    private static long Inclusive(DateTimeOffset instant) => instant.UtcTicks == DateTimeOffset.MaxValue.UtcTicks ? long.MaxValue : instant.UtcTicks + 1;

    /// <summary>
    /// The holds opened at or before the entry and resolved after it. They all lie between the oldest one
    /// still pending then and the entry: a range of the (account, opened version) key.
    /// </summary>
    private static async Task<IReadOnlyList<PendingTransferAt>> PendingAtAsync(ReadModelDbContext db, LedgerEntry entry, CancellationToken cancellationToken)
    {
        if (entry.OldestPendingVersion is not { } oldest)
        {
            return [];
        }
        var holds = await db.TransferHolds.AsNoTracking()
            .Where(h => h.AccountId == entry.AccountId && h.OpenedVersion >= oldest && h.OpenedVersion <= entry.Version
                && (h.ResolvedVersion == null || h.ResolvedVersion > entry.Version))
            .ToListAsync(cancellationToken);
        return [.. holds.OrderBy(h => h.TransferId).ThenBy(h => h.Direction).Select(h => new PendingTransferAt(h.TransferId, h.Direction, h.Amount))];
    }
}
