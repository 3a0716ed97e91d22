using Akka;
using Akka.Actor;
using BankAccounts.Actors;
using BankAccounts.Actors.Persistence;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Integrity;
using BankAccounts.ReadModel.Storage;
using BankAccounts.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.TransferEvents;

namespace BankAccounts.ReadModel.Tests;

/// <summary>
/// Transfer histories the app must never write, appended straight to a real SQLite journal, and the
/// integrity check naming the transfer and account each one breaks.
/// </summary>
public sealed class LedgerIntegritySpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan InFlightBound = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly AccountsTestHost _host = AccountsTestHost.StartWithReadModel(configureReadModel: options =>
    {
        options.InFlightDriftAfter = InFlightBound;
        // The sweeper would wake the hand-written pending transfers and let them carry on.
        options.StalledTransferAfter = TimeSpan.FromDays(1);
    });

    [Fact]
    public async Task Should_report_a_failed_transfer_whose_debit_was_never_refunded()
    {
        var (from, to) = (await Opened(100m), await Opened(0m));
        var transfer = await Requested(from, to, 30m);
        await Debited(transfer, from, to, 30m);
        await Append(transfer, new DestinationCreditFailed("AccountClosed", "closed", Recently));
        await Append(transfer, new SourceRefunded(4, Recently)); // ...but no TransferRefunded on the source

        var report = await Check();

        Assert.False(report.Consistent);
        Assert.Contains(report.Drift, d => d.Contains($"Transfer {transfer} failed after account {from} was debited 30 EUR") && d.Contains("no TransferRefunded"));
        Assert.Contains(report.Drift, d => d.Contains($"Account {from} still holds transfer {transfer}") && d.Contains("Failed"));
    }

    [Fact]
    public async Task Should_report_a_completed_transfer_not_settled_on_its_source()
    {
        var (from, to) = (await Opened(100m), await Opened(0m));
        var transfer = await Requested(from, to, 30m);
        await Debited(transfer, from, to, 30m);
        await Credited(transfer, from, to, 30m);
        await Append(transfer, new SourceSettled(4, Recently)); // ...but no TransferSettled on the source
        await SettledOn(to, transfer);
        await Append(transfer, new DestinationSettled(3, Recently));

        var report = await Check();

        Assert.False(report.Consistent);
        Assert.Contains($"Transfer {transfer} is completed but its source account {from} has no TransferSettled for it.", report.Drift);
        Assert.DoesNotContain(report.Drift, d => d.Contains($"destination account {to}"));
        Assert.Contains(report.Drift, d => d.Contains($"Account {from} still holds transfer {transfer} (30 EUR) as a pending debit"));
    }

    [Fact]
    public async Task Should_report_a_completed_transfer_not_settled_on_its_destination()
    {
        var (from, to) = (await Opened(100m), await Opened(0m));
        var transfer = await Requested(from, to, 30m);
        await Debited(transfer, from, to, 30m);
        await Credited(transfer, from, to, 30m);
        await SettledOn(from, transfer);
        await Append(transfer, new SourceSettled(4, Recently));
        await Append(transfer, new DestinationSettled(3, Recently)); // ...but no TransferSettled on the destination

        var report = await Check();

        Assert.False(report.Consistent);
        Assert.Contains($"Transfer {transfer} is completed but its destination account {to} has no TransferSettled for it.", report.Drift);
        Assert.DoesNotContain(report.Drift, d => d.Contains($"source account {from}"));
        Assert.Contains(report.Drift, d => d.Contains($"Account {to} still holds transfer {transfer} (30 EUR) as a pending credit"));
    }

    [Fact]
    public async Task Should_report_a_transfer_pending_for_longer_than_the_bound_but_not_a_young_one()
    {
        var (from, to) = (await Opened(100m), await Opened(0m));
        var stuck = await Requested(from, to, 30m, Now - InFlightBound - TimeSpan.FromSeconds(1));
        await Debited(stuck, from, to, 30m, Now - InFlightBound - TimeSpan.FromSeconds(1));
        var young = await Requested(from, to, 20m, Now - InFlightBound);
        await Debited(young, from, to, 20m, Now - InFlightBound);

        var report = await Check();

        Assert.False(report.Consistent);
        Assert.Equal([$"Transfer {stuck} has been pending since {Now - InFlightBound - TimeSpan.FromSeconds(1):O} (next step: Credit), longer than {InFlightBound}."],
            report.Drift);
        var eur = Assert.Single(report.Money);
        Assert.Equal((50m, true), (eur.InFlight, eur.Balanced));
    }

    [Fact]
    public async Task Should_find_a_healthy_history_of_completed_refunded_and_declined_transfers_consistent()
    {
        var (from, to) = (await Opened(100m), await Opened(0m));
        var completed = await Requested(from, to, 30m);
        await Debited(completed, from, to, 30m);
        await Credited(completed, from, to, 30m);
        await SettledOn(from, completed);
        await Append(completed, new SourceSettled(4, Recently));
        await SettledOn(to, completed);
        await Append(completed, new DestinationSettled(4, Recently));

        var refunded = await Requested(from, to, 10m);
        await Debited(refunded, from, to, 10m);
        await Append(refunded, new DestinationCreditFailed("AccountClosed", "closed", Recently));
        await Append(AccountPersistenceId.For(from), new TransferRefunded(refunded, Eur(10m), "closed", refunded.StepCommandId("refund"), Recently));
        await Append(refunded, new SourceRefunded(7, Recently));

        var declined = await Requested(from, to, 500m);
        await Append(AccountPersistenceId.For(from), new TransferDebitDeclined(
            declined, to, Eur(500m), 70m, WithdrawalDeclineReason.InsufficientFunds, null, declined.StepCommandId("debit"), Recently));
        await Append(declined, new SourceDebitFailed("InsufficientFunds", "only 70 EUR", Recently));
        await _host.WaitForProjections(Deadline);

        var report = await Check();

        Assert.True(report.Consistent, string.Join(Environment.NewLine, report.Drift));
        Assert.Equal((2, 22L), (report.Accounts, report.Events));
        Assert.Equal((22L, _host.JournalHeadOffset(EventTagger.AccountTag)), (report.CheckedUpToOffset, report.ReadModelOffset));
        Assert.Equal(new CurrencyTotals("EUR", 100m, 0m, 100m), Assert.Single(report.Money));
    }

    [Fact]
    public async Task Should_report_an_account_stream_that_does_not_begin_with_its_opening_and_check_the_others()
    {
        var healthy = await Opened(10m);
        var headless = AccountId.New();
        await Append(AccountPersistenceId.For(headless),
            new MoneyDeposited(Eur(5m), null, CommandId.New(), Recently), new MoneyDeposited(Eur(6m), null, CommandId.New(), Recently));

        var report = await Check();

        Assert.False(report.Consistent);
        Assert.Single(report.Drift, d => d.Contains($"Stream {AccountPersistenceId.For(headless)} cannot be folded: event 1 is a MoneyDeposited"));
        Assert.DoesNotContain(report.Drift, d => d.Contains(healthy.ToString()));
    }

    [Fact]
    public async Task Should_stop_when_cancelled_in_the_middle_of_the_journal()
    {
        var (from, to) = (await Opened(100m), await Opened(0m));
        foreach (var amount in new[] { 10m, 20m })
        {
            var transfer = await Requested(from, to, amount);
            await Debited(transfer, from, to, amount);
            await Append(transfer, new DestinationCreditFailed("AccountClosed", "closed", Recently));
            await Append(transfer, new SourceRefunded(4, Recently));
        }
        using var cancellation = new CancellationTokenSource();
        var reported = new List<string>();

        var run = Checker().RunAsync((drift, _) =>
        {
            reported.Add(drift);
            cancellation.Cancel(); // the caller goes away after the first drift
            return ValueTask.CompletedTask;
        }, cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Deadline));
        Assert.Equal("10 EUR", Assert.Single(reported).Split(" was debited ")[1][..6]);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static DateTimeOffset Recently => Now - TimeSpan.FromMinutes(1);

    private static Money Eur(decimal amount) => new(amount, Currency.EUR);

    private LedgerIntegrityCheck Checker() =>
        new(_host.System, _host.Services.GetRequiredService<IDbContextFactory<ReadModelDbContext>>(),
            _host.Services.GetRequiredService<ReadModelOptions>(), new FixedClock(Now));

    private Task<IntegrityReport> Check() => Checker().RunAsync().WaitAsync(Deadline);

    private async Task Append(string persistenceId, params object[] events)
    {
        var appender = _host.System.ActorOf(JournalAppender.Props(persistenceId));
        await appender.Ask<Done>(events, Deadline);
        await appender.GracefulStop(Deadline);
    }

    private Task Append(TransferId transfer, TransferEvent @event) => Append(TransferPersistenceId.For(transfer), @event);

    private async Task<AccountId> Opened(decimal deposit)
    {
        var id = AccountId.New();
        await Append(AccountPersistenceId.For(id),
            new AccountOpened(id, "owner", Currency.EUR, 0m, CommandId.New(), Recently),
            new MoneyDeposited(Eur(deposit), null, CommandId.New(), Recently));
        return id;
    }

    private async Task<TransferId> Requested(AccountId from, AccountId to, decimal amount, DateTimeOffset? at = null)
    {
        var id = TransferId.New();
        await Append(id, new TransferRequested(id, from, to, amount, null, CommandId.New(), at ?? Recently));
        return id;
    }

    private async Task Debited(TransferId transfer, AccountId from, AccountId to, decimal amount, DateTimeOffset? at = null)
    {
        await Append(AccountPersistenceId.For(from), new TransferDebited(transfer, to, Eur(amount), null, transfer.StepCommandId("debit"), at ?? Recently));
        await Append(transfer, new SourceDebited(Eur(amount), 3, at ?? Recently));
    }

    private async Task Credited(TransferId transfer, AccountId from, AccountId to, decimal amount)
    {
        await Append(AccountPersistenceId.For(to), new TransferCredited(transfer, from, Eur(amount), null, transfer.StepCommandId("credit"), Recently));
        await Append(transfer, new DestinationCredited(3, Recently));
    }

    private Task SettledOn(AccountId account, TransferId transfer) =>
        Append(AccountPersistenceId.For(account), new TransferSettled(transfer, transfer.StepCommandId("settle"), Recently));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
