using System.Diagnostics;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using BankAccounts.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static BankAccounts.Domain.AccountCommands;

namespace BankAccounts.ReadModel.Tests;

public sealed class ReconciliationSpecs(ITestOutputHelper output)
{
    /// <summary>
    /// A pass over 2,000 account streams (the default page) on SQLite: what it costs when nothing is wrong, and that it
    /// finds and repairs a stream the read model is behind on, below the offset, without touching the others.
    /// </summary>
    [Fact]
    public async Task Should_compare_a_page_of_streams_with_the_journal_and_repair_only_the_stale_one()
    {
        await using var host = AccountsTestHost.StartWithReadModel(configureReadModel: o => o.ReconcileInterval = TimeSpan.FromHours(1));
        const int accounts = 2000;
        var ids = Enumerable.Range(0, accounts).Select(_ => AccountId.New()).ToList();
        foreach (var chunk in ids.Chunk(200))
        {
            await Task.WhenAll(chunk.Select(id => host.Send(new OpenAccount(id, CommandId.New(), "owner", "EUR", 0m))));
            await Task.WhenAll(chunk.Select(id => host.Send(new DepositMoney(id, CommandId.New(), 10m))));
        }
        await host.WaitForProjections(TimeSpan.FromSeconds(120));

        var heads = JournalStreamHeads.From(host.System.Settings.Config);
        var writer = new ProjectionWriter(
            host.Services.GetRequiredService<IDbContextFactory<ReadModelDbContext>>(), new AccountLedgerProjection(), new JournalStreamHistory(host.System), TimeProvider.System);

        var (clean, cleanPage, cleanRepaired) = await PassAsync(heads, writer);
        Assert.Equal((accounts, 0), (cleanPage, cleanRepaired));

        // Forget the last event of one account, as if the feed had passed it over.
        var stale = ids[accounts / 2];
        await using (var db = host.OpenReadModel())
        {
            await db.Ledger.Where(e => e.AccountId == stale.Value && e.Version == 2).ExecuteDeleteAsync();
            await db.CommandHistory.Where(c => c.AccountId == stale.Value && c.Version == 2).ExecuteDeleteAsync();
            await db.Accounts.Where(a => a.AccountId == stale.Value).ExecuteUpdateAsync(a => a.SetProperty(x => x.Version, 1L).SetProperty(x => x.Balance, 0m));
            await db.ProjectedStreams.Where(s => s.Projection == ProjectionNames.AccountLedger && s.PersistenceId == $"account-{stale}")
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, 1L));
        }

        var (repair, _, repaired) = await PassAsync(heads, writer);
        Assert.Equal(1, repaired);
        await using (var db = host.OpenReadModel())
        {
            var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.AccountId == stale.Value);
            Assert.Equal((10m, 2L), (account.Balance, account.Version));
            Assert.Equal(2, await db.Ledger.CountAsync(e => e.AccountId == stale.Value));
        }
        output.WriteLine($"Reconciliation pass over {accounts} streams ({accounts * 2} events), SQLite: {clean.TotalMilliseconds:0} ms with nothing to repair, {repair.TotalMilliseconds:0} ms repairing one stream.");
    }

    private static async Task<(TimeSpan Took, int Compared, int Repaired)> PassAsync(JournalStreamHeads heads, ProjectionWriter writer)
    {
        // Warm once (connections, query plans), then time a pass.
        await writer.RepairAsync(await heads.PageAsync("account-", string.Empty, 10, CancellationToken.None));
        var watch = Stopwatch.StartNew();
        var page = await heads.PageAsync("account-", string.Empty, 2000, CancellationToken.None);
        var repaired = await writer.RepairAsync(page);
        return (watch.Elapsed, page.Count, repaired);
    }
}
