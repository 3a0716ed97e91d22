using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

public sealed class IdempotencySpecs
{
    private static readonly CommandId Key = new("idem-key-1");

    [Fact]
    public void Should_return_the_original_outcome_and_emit_nothing_when_an_accepted_deposit_is_retried()
    {
        var first = Given(Opened()).When(Deposit(10m, id: Key));
        var original = first.ThenAccepted();

        var retry = Account.Decide(first.Decision.NewState, Deposit(10m, id: Key), Now.AddMinutes(1));

        Assert.Equal(original, retry.Outcome);
        Assert.Empty(retry.Events);
        AssertSameState(first.Decision.NewState, retry.NewState);
    }

    [Fact]
    public void Should_recognise_a_retry_after_replaying_the_stream()
    {
        // The window is rebuilt from events, so a retry is recognised after a restart too.
        Given(Opened(), Deposited(10m, id: Key), Deposited(5m))
            .When(Deposit(10m, id: Key))
            .ThenRepeats(new CommandAccepted(2L, 10m));
    }

    [Fact]
    public void Should_return_the_outcome_of_the_time_the_command_was_processed_not_the_current_one()
    {
        var then = Given(Opened(), Deposited(10m)).When(Withdraw(4m, id: Key))
            .Continue().When(Deposit(100m))
            .Continue().When(Withdraw(4m, id: Key));

        then.ThenRepeats(new CommandAccepted(3L, 6m));
        Assert.Equal(106m, then.Decision.NewState.AsOpened().Balance);
    }

    [Fact]
    public void Should_repeat_a_declined_withdrawal_even_once_funds_are_sufficient()
    {
        var first = Given(Opened()).When(Withdraw(50m, id: Key));
        var original = first.ThenDeclined(DeclineReason.InsufficientFunds);

        var then = first.Continue().When(Deposit(100m)).Continue().When(Withdraw(50m, id: Key));

        then.ThenRepeats(original);
        Assert.Equal(100m, then.Decision.NewState.AsOpened().Balance);
    }

    [Fact]
    public void Should_repeat_a_declined_closure()
    {
        var first = Given(Opened(), Deposited(1m)).When(Close(id: Key));
        var original = first.ThenDeclined(DeclineReason.NonZeroBalance);

        first.Continue().When(Close(id: Key)).ThenRepeats(original);
    }

    [Fact]
    public void Should_repeat_the_opening_instead_of_reporting_that_the_account_exists()
    {
        var first = Given().When(Open(overdraft: 100m, id: Key));

        first.Continue().When(Open(overdraft: 100m, id: Key)).ThenRepeats(new CommandAccepted(1L, 0m) { Opening = new AccountOpening(Owner, Currency.EUR, 100m) });
    }

    [Fact]
    public void Should_repeat_a_closure_instead_of_reporting_that_the_account_is_closed()
    {
        var first = Given(Opened()).When(Close(id: Key));

        first.Continue().When(Close(id: Key)).ThenRepeats(new CommandAccepted(2L, 0m));
    }

    [Fact]
    public void Should_treat_the_same_amount_written_with_another_scale_as_the_same_request()
    {
        Given(Opened()).When(Deposit(100.25m, id: Key))
            .Continue().When(Deposit(100.250m, id: Key))
            .ThenRepeats(new CommandAccepted(2L, 100.25m));
    }

    [Fact]
    public void Should_reject_a_reused_command_id_with_a_different_amount()
    {
        var rejected = Given(Opened(), Deposited(10m, id: Key))
            .When(Deposit(10.01m, id: Key))
            .ThenRejects(RejectionReason.CommandIdReused);

        Assert.Contains(rejected.Messages(), e => e.Contains(Key.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_a_reused_command_id_with_a_different_overdraft_on_opening()
    {
        Given(Opened(overdraft: 100m, id: Key))
            .When(Open(overdraft: 200m, id: Key))
            .ThenRejects(RejectionReason.CommandIdReused);
    }

    /// <summary>An opening is fingerprinted by owner and currency too, not only by its overdraft limit.</summary>
    [Theory]
    [InlineData("Grace Hopper", "EUR")]
    [InlineData(Owner, "USD")]
    public void Should_reject_a_reused_command_id_when_opening_for_another_owner_or_currency(string owner, string currency)
    {
        Given(Opened(id: Key)).When(Open(owner: owner, currency: currency, id: Key)).ThenRejects(RejectionReason.CommandIdReused);
    }

    [Fact]
    public void Should_reject_a_reused_command_id_with_a_different_reference()
    {
        Given(Opened(), Deposited(10m, id: Key)).When(new AccountCommands.DepositMoney(AccountSpec.Id, Key, 10m, Reference: "other"))
            .ThenRejects(RejectionReason.CommandIdReused);
    }

    [Fact]
    public void Should_reject_a_reused_command_id_with_a_different_amount_after_a_decline()
    {
        Given(Opened()).When(Withdraw(50m, id: Key))
            .Continue().When(Withdraw(40m, id: Key))
            .ThenRejects(RejectionReason.CommandIdReused);
    }

    [Theory]
    [InlineData("deposit", "withdraw")]
    [InlineData("withdraw", "deposit")]
    [InlineData("deposit", "close")]
    [InlineData("close", "deposit")]
    [InlineData("open", "deposit")]
    [InlineData("open", "withdraw")]
    [InlineData("deposit", "open")]
    public void Should_reject_a_reused_command_id_for_a_different_kind_of_command(string original, string reuse)
    {
        // Amounts match (0 for open/close) so only the kind differs where possible.
        var history = original switch
        {
            "open" => Given(Opened(overdraft: 10m, id: Key), Deposited(100m)),
            "deposit" => Given(Opened(overdraft: 10m), Deposited(10m, id: Key)),
            "withdraw" => Given(Opened(overdraft: 10m), Deposited(100m), Withdrawn(10m, id: Key)),
            _ => Given(Opened(), Deposited(5m), DeclinedClosure(5m, id: Key)),
        };
        AccountCommand command = reuse switch
        {
            "open" => Open(overdraft: 10m, id: Key),
            "deposit" => Deposit(10m, id: Key),
            "withdraw" => Withdraw(10m, id: Key),
            _ => Close(id: Key),
        };

        history.When(command).ThenRejects(RejectionReason.CommandIdReused);
    }

    [Fact]
    public void Should_not_remember_rejected_commands_so_a_corrected_request_can_reuse_the_id()
    {
        // A rejection persists nothing, hence nothing to be idempotent about.
        var then = Given(Opened()).When(Deposit(0m, id: Key))
            .Continue().When(Deposit(10m, id: Key));

        then.ThenEmits<MoneyDeposited>();
        Assert.Equal(new CommandAccepted(2L, 10m), then.ThenAccepted());
    }

    [Fact]
    public void Should_still_recognise_a_command_followed_by_one_window_less_one_newer_commands()
    {
        var history = new List<AccountEvent> { Opened(), Deposited(1m, id: Key) };
        history.AddRange(Enumerable.Range(0, RecentCommands.Capacity - 1).Select(_ => (AccountEvent)Deposited(1m)));

        Given([.. history]).When(Deposit(1m, id: Key)).ThenRepeats(new CommandAccepted(2L, 1m));
    }

    [Fact]
    public void Should_process_a_command_anew_once_a_full_window_of_newer_commands_evicted_it()
    {
        var history = new List<AccountEvent> { Opened(), Deposited(1m, id: Key) };
        history.AddRange(Enumerable.Range(0, RecentCommands.Capacity).Select(_ => (AccountEvent)Deposited(1m)));

        var then = Given([.. history]).When(Deposit(1m, id: Key));

        // Documented limit of the window: the late retry deposits a second time.
        then.ThenEmits<MoneyDeposited>();
        Assert.Equal(new CommandAccepted(RecentCommands.Capacity + 3L, RecentCommands.Capacity + 2m), then.ThenAccepted());
    }
}
