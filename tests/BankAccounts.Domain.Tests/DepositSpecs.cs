using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

public sealed class DepositSpecs : MovementValidationSpecs
{
    protected override AccountCommand Move(decimal amount, string? currency = null, string? reference = null) =>
        Deposit(amount, currency, reference);

    protected override GivenHistory Funded(string currency = "EUR") => Given(Opened(currency));

    protected override (Money Amount, string? Reference) Moved(ThenDecision then)
    {
        var deposited = then.ThenEmits<MoneyDeposited>();
        then.ThenAccepted();
        return (deposited.Amount, deposited.Reference);
    }

    [Fact]
    public void Should_deposit_money_and_raise_balance_and_version()
    {
        var command = Deposit(25.10m, reference: "salary");

        var then = Given(Opened(), Deposited(50m)).When(command);

        var deposited = then.ThenEmits<MoneyDeposited>();
        Assert.Equal(new Money(25.10m, Currency.EUR), deposited.Amount);
        Assert.Equal("salary", deposited.Reference);
        Assert.Equal(command.CommandId, deposited.CommandId);
        Assert.Equal(new CommandAccepted(3L, 75.10m), then.ThenAccepted());
        Assert.Equal(75.10m, then.Decision.NewState.AsOpened().Balance);
        Assert.Equal(3L, then.Decision.NewState.Version);
        Assert.Equal(Now, then.Decision.NewState.AsOpened().UpdatedAt);
    }

    [Fact]
    public void Should_record_the_deposit_in_the_account_currency()
    {
        var deposited = Given(Opened("JPY")).When(Deposit(1500m)).ThenEmits<MoneyDeposited>();

        Assert.Equal(Currency.JPY, deposited.Amount.Currency);
    }

    [Fact]
    public void Should_accept_a_deposit_of_exactly_the_maximum_operation_amount()
    {
        var then = Given(Opened()).When(Deposit(Money.MaxOperationAmount));

        Assert.Equal(Money.MaxOperationAmount, then.ThenEmits<MoneyDeposited>().Amount.Amount);
        Assert.Equal(Money.MaxOperationAmount, then.ThenAccepted().Balance);
    }

    [Fact]
    public void Should_bring_an_overdrawn_account_back_up()
    {
        var then = Given(Opened(overdraft: 100m), Withdrawn(80m)).When(Deposit(30m));

        then.ThenEmits<MoneyDeposited>();
        Assert.Equal(new CommandAccepted(3L, -50m), then.ThenAccepted());
    }

    [Fact]
    public void Should_reject_a_deposit_with_too_many_decimals_as_not_found_when_the_account_was_never_opened()
    {
        // The currency's scale is only known once the account exists.
        Given().When(Deposit(10.001m)).ThenRejects(RejectionReason.AccountNotFound);
    }
}
