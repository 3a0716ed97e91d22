using BankAccounts.Domain;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using BankAccounts.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BankAccounts.Domain.AccountCommands;

namespace BankAccounts.ReadModel.Tests;

public sealed class ProjectionSpecs
{
    private static readonly TimeSpan CatchUpDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_converge_to_the_write_side_with_every_event_in_the_ledger()
    {
        await using var host = AccountsTestHost.StartWithReadModel();
        var accounts = await GenerateTraffic(host, accounts: 8, operations: 300, seed: 1);

        await WaitUntilCaughtUp(host);

        await AssertReadModelMatchesWriteSide(host, accounts);
    }

    [Fact]
    public async Task Should_apply_each_event_exactly_once_when_writes_crash_before_and_after_commit()
    {
        var faults = new CommitFaults { FailBeforeEvery = 3, FailAfterEvery = 4, MaxFaults = 12 };
        // Small batches, so that the crashes land in the middle of the stream.
        await using var host = AccountsTestHost.StartWithReadModel(
            configureDb: db => db.AddInterceptors(faults), configureReadModel: o => o.BatchSize = 7);
        var accounts = await GenerateTraffic(host, accounts: 5, operations: 250, seed: 2);

        await WaitUntilCaughtUp(host);

        Assert.True(faults.Faults > 0, "No fault was injected; the spec proved nothing.");
        await AssertReadModelMatchesWriteSide(host, accounts);
    }

    [Fact]
    public async Task Should_resume_from_its_offset_after_the_system_stops_mid_stream()
    {
        var path = AccountsTestHost.NewDatabasePath();
        List<AccountId> accounts;
        await using (var first = AccountsTestHost.StartWithReadModel(path))
        {
            accounts = await GenerateTraffic(first, accounts: 6, operations: 200, seed: 3);
            // Stop while the projectors are (most likely) still behind; either way the restart must reconcile.
        }

        await using var second = AccountsTestHost.StartWithReadModel(path);
        accounts.AddRange(await GenerateTraffic(second, accounts: 3, operations: 100, seed: 4));
        await WaitUntilCaughtUp(second);

        await AssertReadModelMatchesWriteSide(second, accounts);
    }

    [Fact]
    public async Task Should_rebuild_a_read_model_from_zero_equal_to_the_live_one()
    {
        await using var host = AccountsTestHost.StartWithReadModel();
        await GenerateTraffic(host, accounts: 6, operations: 200, seed: 5);
        await WaitUntilCaughtUp(host);
        var live = await Dump(host);

        var control = host.Services.GetRequiredService<IProjectionControl>();
        await control.RebuildAsync(ProjectionNames.AccountLedger);
        await control.RebuildAsync(ProjectionNames.DeclineAlerts);
        await WaitUntilCaughtUp(host);

        Assert.Equal(live, await Dump(host));
        Assert.NotEmpty(live.Alerts);
    }

    [Fact]
    public async Task Should_refuse_to_rebuild_an_unknown_projection()
    {
        await using var host = AccountsTestHost.StartWithReadModel();
        var control = host.Services.GetRequiredService<IProjectionControl>();

        await Assert.ThrowsAsync<ArgumentException>(() => control.RebuildAsync("no-such-projection"));
    }

    /// <summary>Random but reproducible traffic: deposits, withdrawals (some declined), closure attempts.</summary>
    private static async Task<List<AccountId>> GenerateTraffic(AccountsTestHost host, int accounts, int operations, int seed)
    {
        var random = new Random(seed);
        var ids = Enumerable.Range(0, accounts).Select(_ => AccountId.New()).ToList();
        foreach (var id in ids)
        {
            Assert.IsType<CommandAccepted>(await host.Send(new OpenAccount(id, CommandId.New(), $"owner-{seed}", "EUR", 25m)));
        }
        var tasks = Enumerable.Range(0, operations).Select(i =>
        {
            var id = ids[random.Next(ids.Count)];
            var amount = random.Next(1, 10_000) / 100m;
            AccountCommand command = random.Next(10) switch
            {
                < 5 => new DepositMoney(id, CommandId.New(), amount, Reference: $"dep {i}"),
                < 9 => new WithdrawMoney(id, CommandId.New(), amount * 2),
                _ => new CloseAccount(id, CommandId.New()),
            };
            return host.Send(command);
        }).ToList();
        var outcomes = await Task.WhenAll(tasks);
        // Only commands racing a successful closure may be rejected.
        Assert.DoesNotContain(outcomes, o => o is CommandRejected { Reason: not RejectionReason.AccountClosed });
        return ids;
    }

    private static Task WaitUntilCaughtUp(AccountsTestHost host) => host.WaitForProjections(CatchUpDeadline);

    private static async Task AssertReadModelMatchesWriteSide(AccountsTestHost host, IReadOnlyList<AccountId> accounts)
    {
        await using var db = host.OpenReadModel();
        foreach (var id in accounts)
        {
            var state = await host.StateOf(id);
            var summary = await db.Accounts.AsNoTracking().SingleAsync(a => a.AccountId == id.Value);
            Assert.Equal((state.Balance, state.Version, state.IsClosed ? "closed" : "open"), (summary.Balance, summary.Version, summary.Status));

            // No gap, no duplicate: exactly versions 1..n, and the running balance adds up.
            var ledger = (await db.Ledger.AsNoTracking().Where(e => e.AccountId == id.Value).ToListAsync()).OrderBy(e => e.Version).ToList();
            Assert.Equal(Enumerable.Range(1, (int)state.Version).Select(v => (long)v), ledger.Select(e => e.Version));
            var running = 0m;
            foreach (var entry in ledger)
            {
                running += entry.Amount;
                Assert.Equal(running, entry.BalanceAfter);
                Assert.True(entry.BalanceAfter >= -summary.OverdraftLimit, $"Balance {entry.BalanceAfter} below the overdraft limit.");
            }

            var stored = await host.StoredEvents(id);
            var declines = stored.Count(e => e.Event is AccountEvents.WithdrawalDeclined or AccountEvents.AccountClosureDeclined);
            Assert.Equal(declines, await db.Alerts.CountAsync(a => a.AccountId == id.Value));
        }
    }

    private static async Task<ReadModelDump> Dump(AccountsTestHost host)
    {
        await using var db = host.OpenReadModel();
        var accounts = (await db.Accounts.AsNoTracking().ToListAsync())
            .OrderBy(a => a.AccountId).Select(a => $"{a.AccountId}|{a.Owner}|{a.Currency}|{a.Balance}|{a.OverdraftLimit}|{a.Status}|{a.Version}|{a.OpenedAt:O}|{a.UpdatedAt:O}");
        var ledger = (await db.Ledger.AsNoTracking().ToListAsync())
            .OrderBy(e => e.AccountId).ThenBy(e => e.Version).Select(e => $"{e.AccountId}|{e.Version}|{e.EventType}|{e.Amount}|{e.BalanceAfter}|{e.Reference}|{e.OccurredAt:O}");
        var alerts = (await db.Alerts.AsNoTracking().ToListAsync())
            .OrderBy(a => a.AccountId).ThenBy(a => a.Version).Select(a => $"{a.AccountId}|{a.Version}|{a.Kind}|{a.Reason}|{a.Detail}|{a.OccurredAt:O}");
        return new ReadModelDump([.. accounts], [.. ledger], [.. alerts]);
    }

    private sealed record ReadModelDump(IReadOnlyList<string> Accounts, IReadOnlyList<string> Ledger, IReadOnlyList<string> Alerts)
    {
        public bool Equals(ReadModelDump? other) =>
            other is not null && Accounts.SequenceEqual(other.Accounts) && Ledger.SequenceEqual(other.Ledger) && Alerts.SequenceEqual(other.Alerts);

        public override int GetHashCode() => HashCode.Combine(Accounts.Count, Ledger.Count, Alerts.Count);
    }
}
