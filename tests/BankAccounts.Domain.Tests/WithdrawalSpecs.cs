using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

public sealed class WithdrawalSpecs : MovementValidationSpecs
{
    protected override AccountCommand Move(decimal amount, string? currency = null, string? reference = null) =>
        Withdraw(amount, currency, reference);

    protected override GivenHistory Funded(string currency = "EUR") => Given(Opened(currency), Deposited(1000m, currency));

    protected override (Money Amount, string? Reference) Moved(ThenDecision then)
    {
        var withdrawn = then.ThenEmits<MoneyWithdrawn>();
        then.ThenAccepted();
        return (withdrawn.Amount, withdrawn.Reference);
    }

    [Fact]
    public void Should_withdraw_money_and_lower_the_balance()
    {
        var command = Withdraw(40.25m, reference: "rent");

        var then = Given(Opened(), Deposited(100m)).When(command);

        var withdrawn = then.ThenEmits<MoneyWithdrawn>();
        Assert.Equal(new Money(40.25m, Currency.EUR), withdrawn.Amount);
        Assert.Equal("rent", withdrawn.Reference);
        Assert.Equal(command.CommandId, withdrawn.CommandId);
        Assert.Equal(new CommandAccepted(3L, 59.75m), then.ThenAccepted());
        Assert.Equal(59.75m, then.Decision.NewState.AsOpened().Balance);
    }

    [Fact]
    public void Should_allow_withdrawing_the_whole_balance_without_overdraft()
    {
        var then = Given(Opened(), Deposited(100m)).When(Withdraw(100m));

        then.ThenEmits<MoneyWithdrawn>();
        Assert.Equal(new CommandAccepted(3L, 0m), then.ThenAccepted());
    }

    [Fact]
    public void Should_allow_withdrawing_down_to_exactly_minus_the_overdraft_limit()
    {
        var then = Given(Opened(overdraft: 100m), Deposited(50m)).When(Withdraw(150m));

        then.ThenEmits<MoneyWithdrawn>();
        Assert.Equal(new CommandAccepted(3L, -100m), then.ThenAccepted());
        Assert.Equal(0m, then.Decision.NewState.AsOpened().Available);
    }

    [Fact]
    public void Should_decline_withdrawal_when_funds_are_insufficient()
    {
        var command = Withdraw(150.01m, reference: " atm ");

        var then = Given(Opened(overdraft: 100m), Deposited(50m)).When(command);

        var declined = then.ThenEmits<WithdrawalDeclined>();
        Assert.Equal(new Money(150.01m, Currency.EUR), declined.Requested);
        Assert.Equal(150m, declined.Available);
        Assert.Equal(WithdrawalDeclineReason.InsufficientFunds, declined.Reason);
        Assert.Equal("atm", declined.Reference);
        Assert.Equal(command.CommandId, declined.CommandId);

        var outcome = then.ThenDeclined(DeclineReason.InsufficientFunds);
        Assert.Equal(3L, outcome.Version);
        Assert.Equal(50m, outcome.Balance);
        Assert.Contains("150", outcome.Detail, StringComparison.Ordinal);

        // The decline is recorded (version rises) but no money moves.
        Assert.Equal(50m, then.Decision.NewState.AsOpened().Balance);
        Assert.Equal(3L, then.Decision.NewState.Version);
    }

    [Fact]
    public void Should_decline_withdrawal_from_an_empty_account_without_overdraft()
    {
        var then = Given(Opened()).When(Withdraw(0.01m));

        var declined = then.ThenEmits<WithdrawalDeclined>();
        Assert.Equal(0m, declined.Available);
        Assert.Equal(new CommandDeclined(2L, 0m, DeclineReason.InsufficientFunds, then.ThenDeclined(DeclineReason.InsufficientFunds).Detail), then.Decision.Outcome);
    }

    [Fact]
    public void Should_decline_any_withdrawal_when_the_overdraft_is_used_up()
    {
        var then = Given(Opened(overdraft: 100m), Withdrawn(100m)).When(Withdraw(0.01m));

        var declined = then.ThenEmits<WithdrawalDeclined>();
        Assert.Equal(0m, declined.Available);
        Assert.Equal(-100m, then.ThenDeclined(DeclineReason.InsufficientFunds).Balance);
    }

    [Fact]
    public void Should_decline_in_the_account_currency_for_whole_yen()
    {
        var then = Given(Opened("JPY", overdraft: 1000m), Deposited(500m, "JPY")).When(Withdraw(1501m));

        var declined = then.ThenEmits<WithdrawalDeclined>();
        Assert.Equal(new Money(1501m, Currency.JPY), declined.Requested);
        Assert.Equal(1500m, declined.Available);
    }

    [Fact]
    public void Should_allow_withdrawing_the_maximum_operation_amount_within_the_overdraft()
    {
        var then = Given(Opened(overdraft: Money.MaxOperationAmount)).When(Withdraw(Money.MaxOperationAmount));

        then.ThenEmits<MoneyWithdrawn>();
        Assert.Equal(-Money.MaxOperationAmount, then.ThenAccepted().Balance);
    }

    [Fact]
    public void Should_reject_rather_than_decline_an_invalid_withdrawal_on_an_empty_account()
    {
        // Validation comes before the funds check, so nothing is recorded.
        Given(Opened()).When(Withdraw(10.001m)).ThenRejects(RejectionReason.InvalidCommand);
    }
}
