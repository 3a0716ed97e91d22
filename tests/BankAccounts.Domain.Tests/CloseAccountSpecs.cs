using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

public sealed class CloseAccountSpecs
{
    [Fact]
    public void Should_close_an_account_with_zero_balance()
    {
        var command = Close();

        var then = Given(Opened()).When(command);

        Assert.Equal(command.CommandId, then.ThenEmits<AccountClosed>().CommandId);
        Assert.Equal(new CommandAccepted(2L, 0m), then.ThenAccepted());
        Assert.Equal(AccountStatus.Closed, then.Decision.NewState.Status);
    }

    [Fact]
    public void Should_close_an_account_whose_balance_went_back_to_zero()
    {
        var then = Given(Opened(), Deposited(10.50m), Withdrawn(10.5m)).When(Close());

        then.ThenEmits<AccountClosed>();
        Assert.Equal(new CommandAccepted(4L, 0m), then.ThenAccepted());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(0.01)]
    public void Should_decline_closing_an_account_with_a_positive_balance(decimal balance)
    {
        var command = Close();

        var then = Given(Opened(), Deposited(balance)).When(command);

        var declined = then.ThenEmits<AccountClosureDeclined>();
        Assert.Equal(ClosureDeclineReason.NonZeroBalance, declined.Reason);
        Assert.Equal(balance, declined.Balance);
        Assert.Equal(command.CommandId, declined.CommandId);
        var outcome = then.ThenDeclined(DeclineReason.NonZeroBalance);
        Assert.Equal(3L, outcome.Version);
        Assert.Equal(balance, outcome.Balance);
        Assert.Equal(AccountStatus.Open, then.Decision.NewState.Status);
    }

    [Fact]
    public void Should_decline_closing_an_overdrawn_account()
    {
        var then = Given(Opened(overdraft: 50m), Withdrawn(20m)).When(Close());

        Assert.Equal(-20m, then.ThenEmits<AccountClosureDeclined>().Balance);
        Assert.Equal(-20m, then.ThenDeclined(DeclineReason.NonZeroBalance).Balance);
        Assert.Equal(AccountStatus.Open, then.Decision.NewState.Status);
    }

    [Fact]
    public void Should_keep_the_account_usable_after_a_declined_closure()
    {
        var then = Given(Opened(), Deposited(10m)).When(Close()).Continue().When(Withdraw(10m));

        then.ThenEmits<MoneyWithdrawn>();
        Assert.Equal(new CommandAccepted(4L, 0m), then.ThenAccepted());
    }

    [Fact]
    public void Should_reject_closing_an_account_that_was_never_opened()
    {
        Given().When(Close()).ThenRejects(RejectionReason.AccountNotFound);
    }

    [Fact]
    public void Should_reject_closing_an_account_that_is_already_closed()
    {
        var rejected = Given(Opened(), Closed()).When(Close()).ThenRejects(RejectionReason.AccountClosed);

        Assert.Equal(2L, rejected.CurrentVersion);
    }

    [Theory]
    [InlineData("deposit", RejectionReason.AccountClosed)]
    [InlineData("withdraw", RejectionReason.AccountClosed)]
    [InlineData("close", RejectionReason.AccountClosed)]
    [InlineData("open", RejectionReason.AccountAlreadyExists)]
    public void Should_reject_every_command_after_the_account_is_closed(string kind, RejectionReason reason)
    {
        AccountCommand command = kind switch
        {
            "deposit" => Deposit(10m),
            "withdraw" => Withdraw(10m),
            "close" => Close(),
            _ => Open(),
        };

        var closed = Given(Opened(overdraft: 100m)).When(Close()).Continue();

        closed.When(command).ThenRejects(reason);
    }
}
