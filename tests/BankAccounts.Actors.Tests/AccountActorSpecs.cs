using BankAccounts.Testing;
using Akka.Actor;
using BankAccounts.Domain;
using Xunit.Abstractions;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Actors.Tests;

/// <summary>The account entity through its shard region, persisting to a real SQLite journal file.</summary>
public sealed class AccountActorSpecs : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly AccountsTestHost _host;

    public AccountActorSpecs(ITestOutputHelper output)
        : this(AccountsTestHost.Start(configure: o => o.Accounts.SnapshotEvery = 5), output)
    {
    }

    private AccountActorSpecs(AccountsTestHost host, ITestOutputHelper output)
        : base(host.System, output)
    {
        _host = host;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_persist_AccountOpened_and_answer_version_1()
    {
        var id = AccountId.New();

        var outcome = await _host.Send(new OpenAccount(id, new CommandId("open-1"), "Ada", "EUR", 50m));

        Assert.Equal(new CommandAccepted(1, 0m) { Opening = new AccountOpening("Ada", Currency.EUR, 50m) }, outcome);
        var stored = Assert.Single(await _host.StoredEvents(id));
        var opened = Assert.IsType<AccountOpened>(stored.Event);
        Assert.Equal(("Ada", Currency.EUR, 50m, 1L), (opened.Owner, opened.Currency, opened.OverdraftLimit, stored.SequenceNr));
    }

    [Fact]
    public async Task Should_persist_deposits_and_withdrawals_with_versions_rising_by_one()
    {
        var id = await OpenAccount();

        Assert.Equal(new CommandAccepted(2, 100.25m), await _host.Send(new DepositMoney(id, CommandId.New(), 100.25m, Reference: "salary")));
        Assert.Equal(new CommandAccepted(3, 60.25m), await _host.Send(new WithdrawMoney(id, CommandId.New(), 40m)));

        var stored = await _host.StoredEvents(id);
        Assert.Equal([1L, 2L, 3L], stored.Select(e => e.SequenceNr));
        Assert.Equal("salary", Assert.IsType<MoneyDeposited>(stored[1].Event).Reference);
        Assert.Equal(40m, Assert.IsType<MoneyWithdrawn>(stored[2].Event).Amount.Amount);
    }

    [Fact]
    public async Task Should_persist_the_decline_when_funds_are_insufficient()
    {
        var id = await OpenAccount(overdraft: 10m);
        await _host.Send(new DepositMoney(id, CommandId.New(), 5m));

        var outcome = await _host.Send(new WithdrawMoney(id, CommandId.New(), 15.01m));

        var declined = Assert.IsType<CommandDeclined>(outcome);
        Assert.Equal((3L, 5m, DeclineReason.InsufficientFunds), (declined.Version, declined.Balance, declined.Reason));
        var stored = await _host.StoredEvents(id);
        var @event = Assert.IsType<WithdrawalDeclined>(stored[^1].Event);
        Assert.Equal((15.01m, 15m, WithdrawalDeclineReason.InsufficientFunds), (@event.Requested.Amount, @event.Available, @event.Reason));
    }

    [Fact]
    public async Task Should_persist_the_closure_decline_when_the_balance_is_not_zero()
    {
        var id = await OpenAccount();
        await _host.Send(new DepositMoney(id, CommandId.New(), 1m));

        var outcome = await _host.Send(new CloseAccount(id, CommandId.New()));

        Assert.Equal(DeclineReason.NonZeroBalance, Assert.IsType<CommandDeclined>(outcome).Reason);
        Assert.IsType<AccountClosureDeclined>((await _host.StoredEvents(id))[^1].Event);
        await _host.Send(new WithdrawMoney(id, CommandId.New(), 1m));
        Assert.Equal(new CommandAccepted(5, 0m), await _host.Send(new CloseAccount(id, CommandId.New())));
        Assert.IsType<AccountClosed>((await _host.StoredEvents(id))[^1].Event);
    }

    [Fact]
    public async Task Should_persist_nothing_for_an_account_that_was_never_opened()
    {
        var id = AccountId.New();

        var outcome = await _host.Send(new DepositMoney(id, CommandId.New(), 10m));

        Assert.Equal(RejectionReason.AccountNotFound, Assert.IsType<CommandRejected>(outcome).Reason);
        Assert.Empty(await _host.StoredEvents(id));
    }

    [Fact]
    public async Task Should_persist_nothing_for_malformed_commands()
    {
        var id = await OpenAccount();

        var outcomes = new[]
        {
            await _host.Send(new DepositMoney(id, CommandId.New(), -1m)),
            await _host.Send(new DepositMoney(id, CommandId.New(), 0.001m)),
            await _host.Send(new DepositMoney(id, CommandId.New(), 5m, Currency: "USD")),
            await _host.Send(new WithdrawMoney(id, CommandId.New(), 2_000_000_000m)),
        };

        Assert.All(outcomes, o => Assert.Equal(RejectionReason.InvalidCommand, Assert.IsType<CommandRejected>(o).Reason));
        Assert.Single(await _host.StoredEvents(id));
    }

    [Fact]
    public async Task Should_recognise_a_command_id_the_window_forgot_from_the_journal_when_no_indexed_history_exists()
    {
        // This host has no read side, so no indexed command history: the entity reads its journal.
        var id = await OpenAccount();
        var salary = new DepositMoney(id, new CommandId("salary-1"), 100m);
        var first = await _host.Send(salary);
        for (var i = 0; i < RecentCommands.Capacity; i++)
        {
            await _host.Send(new WithdrawMoney(id, CommandId.New(), 1_000_000m));
        }
        var withdrawal = new WithdrawMoney(id, new CommandId("rent-1"), 10m);
        var withdrawn = await _host.Send(withdrawal);

        Assert.Equal(first, await _host.Send(salary));
        Assert.Equal(RejectionReason.CommandIdReused, Assert.IsType<CommandRejected>(await _host.Send(salary with { Amount = 200m })).Reason);
        Assert.Equal(withdrawn, await _host.Send(withdrawal));
        Assert.Equal(RecentCommands.Capacity + 3, (await _host.StoredEvents(id)).Count);
    }

    [Fact]
    public async Task Should_answer_a_repeated_command_id_with_the_original_outcome_and_persist_nothing()
    {
        var id = await OpenAccount();
        var deposit = new DepositMoney(id, new CommandId("deposit-once"), 30m);
        var first = await _host.Send(deposit);
        await _host.Send(new DepositMoney(id, CommandId.New(), 1m));

        var again = await _host.Send(deposit);

        Assert.Equal(new CommandAccepted(2, 30m), first);
        Assert.Equal(first, again);
        Assert.Equal(3, (await _host.StoredEvents(id)).Count);
    }

    [Fact]
    public async Task Should_reject_an_expected_version_mismatch_with_the_current_version()
    {
        var id = await OpenAccount();
        await _host.Send(new DepositMoney(id, CommandId.New(), 10m));

        var outcome = await _host.Send(new WithdrawMoney(id, CommandId.New(), 5m, ExpectedVersion: 1));

        var rejected = Assert.IsType<CommandRejected>(outcome);
        Assert.Equal((RejectionReason.VersionMismatch, 2L), (rejected.Reason, rejected.CurrentVersion));
        Assert.Equal(2, (await _host.StoredEvents(id)).Count);
        Assert.Equal(new CommandAccepted(3, 5m), await _host.Send(new WithdrawMoney(id, CommandId.New(), 5m, ExpectedVersion: 2)));
    }

    [Fact]
    public async Task Should_serialize_concurrent_commands_on_one_account_without_losing_any()
    {
        var id = await OpenAccount();

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 200)
            .Select(i => _host.Send(new DepositMoney(id, new CommandId($"d-{i}"), 0.01m * i))));

        var versions = outcomes.Select(o => Assert.IsType<CommandAccepted>(o).Version).Order().ToArray();
        Assert.Equal(Enumerable.Range(2, 200).Select(v => (long)v), versions);
        var expected = Enumerable.Range(1, 200).Sum(i => 0.01m * i);
        Assert.Equal(expected, (await _host.StateOf(id)).Balance);
        Assert.Equal(expected, (await _host.StoredEvents(id)).Select(e => e.Event).OfType<MoneyDeposited>().Sum(d => d.Amount.Amount));
    }

    [Fact]
    public async Task Should_keep_only_the_latest_snapshot()
    {
        var id = await OpenAccount();
        for (var i = 0; i < 11; i++)
        {
            await _host.Send(new DepositMoney(id, CommandId.New(), 1m));
        }

        Assert.InRange(await _host.WaitForSingleSnapshot(id, 10), 10L, 12L);
    }

    [Fact]
    public async Task Should_passivate_an_idle_account_and_reactivate_it_with_its_state()
    {
        var id = await OpenAccount();
        await _host.Send(new DepositMoney(id, CommandId.New(), 7m));
        Assert.Equal(1, await _host.ActiveAccountCount());

        // The shard region is told to passivate the entity directly (the idle timer does the same after PassivateIdleAfter).
        var entity = await Sys.ActorSelection($"/system/sharding/account/*/{id}").ResolveOne(TimeSpan.FromSeconds(5));
        Watch(entity);
        entity.Tell(AccountMessages.StopAccount.Instance);
        ExpectTerminated(entity, TimeSpan.FromSeconds(10));
        await AwaitAssertAsync(async () => Assert.Equal(0, await _host.ActiveAccountCount()), TimeSpan.FromSeconds(10));

        Assert.Equal(new CommandAccepted(3, 10m), await _host.Send(new DepositMoney(id, CommandId.New(), 3m)));
    }


    private async Task<AccountId> OpenAccount(decimal overdraft = 0m)
    {
        var id = AccountId.New();
        Assert.IsType<CommandAccepted>(await _host.Send(new OpenAccount(id, CommandId.New(), "Ada", "EUR", overdraft)));
        return id;
    }
}
