using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

public sealed class VersioningSpecs
{
    [Fact]
    public void Should_start_at_version_zero_before_any_event()
    {
        var state = Given().State;

        Assert.Equal(0L, state.Version);
        Assert.Equal(AccountStatus.NotOpened, state.Status);
        Assert.IsType<AccountState.NotOpened>(state);
    }

    [Fact]
    public void Should_refuse_to_fold_a_stream_that_does_not_begin_with_its_one_opening()
    {
        Assert.True(Account.CanFollow(Given().State, Opened()));
        Assert.False(Account.CanFollow(Given().State, Deposited(1m)));
        Assert.False(Account.CanFollow(Given(Opened()).State, Opened()));

        Assert.Throws<InvalidOperationException>(() => Account.Replay(Id, [Deposited(1m)]));
        Assert.Throws<InvalidOperationException>(() => Account.Replay(Id, [Opened(), Deposited(1m), Opened()]));
    }

    [Fact]
    public void Should_have_a_version_equal_to_the_number_of_events_including_declines()
    {
        var history = new AccountEvent[]
        {
            Opened(overdraft: 10m), Deposited(20m), DeclinedWithdrawal(100m, 30m), Withdrawn(5m), DeclinedClosure(15m),
        };

        for (var n = 0; n <= history.Length; n++)
        {
            Assert.Equal(n, Account.Replay(Id, history.Take(n)).Version);
        }
        Assert.Equal(15m, Given(history).State.AsOpened().Balance);
    }

    [Fact]
    public void Should_raise_the_version_but_not_move_money_on_declined_events()
    {
        var before = Given(Opened(), Deposited(20m)).State;

        var after = Account.Evolve(Account.Evolve(before, DeclinedWithdrawal(100m, 20m)), DeclinedClosure(20m));

        Assert.Equal(before.Version + 2, after.Version);
        Assert.Equal(20m, after.Balance);
        Assert.Equal(AccountStatus.Open, after.Status);
    }

    [Fact]
    public void Should_stamp_updated_at_with_the_time_of_the_last_event()
    {
        var later = Earlier.AddDays(3);

        var state = Given(Opened(), Deposited(1m) with { OccurredAt = later }).State.AsOpened();

        Assert.Equal(Earlier, state.OpenedAt);
        Assert.Equal(later, state.UpdatedAt);
    }

    [Fact]
    public void Should_accept_a_command_whose_expected_version_matches()
    {
        var then = Given(Opened(), Deposited(10m)).When(Deposit(5m, expectedVersion: 2L));

        then.ThenEmits<MoneyDeposited>();
        Assert.Equal(new CommandAccepted(3L, 15m), then.ThenAccepted());
    }

    [Fact]
    public void Should_open_when_expecting_version_zero()
    {
        Given().When(Open(expectedVersion: 0L)).ThenEmits<AccountOpened>();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(3L)]
    public void Should_reject_a_command_whose_expected_version_does_not_match(long expected)
    {
        var rejected = Given(Opened(), Deposited(10m)).When(Withdraw(5m, expectedVersion: expected))
            .ThenRejects(RejectionReason.VersionMismatch);

        Assert.Equal(2L, rejected.CurrentVersion);
        Assert.Contains($"Expected version {expected} but the account is at version 2.", rejected.Messages());
    }

    [Fact]
    public void Should_reject_opening_when_expecting_a_version_the_new_account_does_not_have()
    {
        var rejected = Given().When(Open(expectedVersion: 1L)).ThenRejects(RejectionReason.VersionMismatch);

        Assert.Equal(0L, rejected.CurrentVersion);
    }

    [Fact]
    public void Should_check_the_expected_version_before_the_business_rules()
    {
        // A closed account with a stale version reports the conflict, not the closure.
        Given(Opened(), Closed()).When(Deposit(5m, expectedVersion: 1L)).ThenRejects(RejectionReason.VersionMismatch);
    }

    [Fact]
    public void Should_repeat_a_retried_command_even_though_its_expected_version_is_now_stale()
    {
        var key = new CommandId("retry-with-version");

        var then = Given(Opened(), Deposited(10m)).When(Withdraw(4m, id: key, expectedVersion: 2L))
            .Continue().When(Withdraw(4m, id: key, expectedVersion: 2L));

        then.ThenRepeats(new CommandAccepted(3L, 6m));
    }

    [Fact]
    public void Should_always_equal_the_replay_of_the_stream_over_a_long_run_of_commands()
    {
        var random = new Random(20250314);
        var history = new List<AccountEvent>();
        var sent = new List<(AccountCommand Command, CommandOutcome Outcome)>();
        var state = Account.Replay(Id, history);
        var clock = Now;
        var repeats = 0;

        for (var step = 0; step < 600; step++)
        {
            var command = NextCommand(random, state, sent, step);
            clock = clock.AddSeconds(random.Next(1, 120));

            var decision = Account.Decide(state, command, clock);

            history.AddRange(decision.Events);
            AssertSameState(Account.Replay(Id, history), decision.NewState);
            Assert.Equal(history.Count, decision.NewState.Version);
            Assert.True(decision.Events.Count <= 1);
            if (decision.Outcome is CommandRejected)
            {
                Assert.Empty(decision.Events);
            }
            if (sent.FindLast(s => s.Command == command) is { Outcome: CommandAccepted or CommandDeclined } earlier
                && state is AccountState.Opened { RecentCommands: var window } && window.TryGet(command.CommandId, out _))
            {
                Assert.Equal(earlier.Outcome, decision.Outcome);
                Assert.Empty(decision.Events);
                repeats++;
            }
            sent.Add((command, decision.Outcome));
            state = decision.NewState;
        }

        // The balance is the sum of the money events, and the run exercised every kind of event.
        var end = state.AsOpened();
        Assert.Equal(
            history.OfType<MoneyDeposited>().Sum(e => e.Amount.Amount) - history.OfType<MoneyWithdrawn>().Sum(e => e.Amount.Amount),
            end.Balance);
        Assert.True(end.Balance >= -end.OverdraftLimit);
        Assert.Contains(history, e => e is AccountOpened);
        Assert.Contains(history, e => e is MoneyDeposited);
        Assert.Contains(history, e => e is MoneyWithdrawn);
        Assert.Contains(history, e => e is WithdrawalDeclined);
        Assert.Contains(history, e => e is AccountClosureDeclined);
        Assert.Contains(sent, s => s.Outcome is CommandRejected { Reason: RejectionReason.VersionMismatch });
        Assert.Contains(sent, s => s.Outcome is CommandRejected { Reason: RejectionReason.CommandIdReused });
        Assert.Contains(sent, s => s.Outcome is CommandRejected { Reason: RejectionReason.InvalidCommand });
        Assert.True(history.Count > 300, $"only {history.Count} events");
        Assert.True(repeats > 10, $"only {repeats} recognised retries");
    }

    /// <summary>A deterministic mix of valid, invalid, conflicting and retried commands.</summary>
    private static AccountCommand NextCommand(
        Random random, AccountState state, List<(AccountCommand Command, CommandOutcome Outcome)> sent, int step)
    {
        if (step == 0)
        {
            return Open(overdraft: 500m);
        }
        var roll = random.Next(100);
        var amount = random.Next(1, 50_000) / 100m;
        if (roll < 10 && sent.Count > 0)
        {
            return sent[random.Next(Math.Max(0, sent.Count - 50), sent.Count)].Command; // retry
        }
        if (roll < 14 && sent.Count > 1)
        {
            var reused = sent[random.Next(1, sent.Count)].Command; // same id, other request
            return Deposit(amount + 1000m, id: reused.CommandId);
        }
        if (roll < 20)
        {
            return Withdraw(amount, expectedVersion: state.Version - random.Next(1, 3)); // stale
        }
        if (roll < 24)
        {
            return Deposit(random.Next(2) == 0 ? -amount : amount + 0.001m); // invalid
        }
        if (roll < 27)
        {
            return Close();
        }
        if (roll < 60)
        {
            return Deposit(amount, expectedVersion: random.Next(2) == 0 ? state.Version : null);
        }
        return Withdraw(amount * 2, reference: $"step {step}");
    }
}
