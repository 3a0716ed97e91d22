using System.Globalization;
using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

/// <summary>The account side of a transfer: debit (source), credit (destination), settle (both) or refund (source).</summary>
public sealed class AccountTransferSpecs
{
    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    // Debit

    [Fact]
    public void Should_debit_for_a_transfer_lower_the_balance_and_keep_the_transfer_pending()
    {
        var command = Debit(40.25m, reference: "  rent  ");

        var then = Given(Opened(), Deposited(100m)).When(command);

        var debited = then.ThenEmits<TransferDebited>();
        Assert.Equal(SomeTransfer, debited.TransferId);
        Assert.Equal(OtherId, debited.CreditAccountId);
        Assert.Equal(new Money(40.25m, Currency.EUR), debited.Amount);
        Assert.Equal("rent", debited.Reference);
        Assert.Equal(command.CommandId, debited.CommandId);
        Assert.Equal(new CommandAccepted(3L, 59.75m), then.ThenAccepted());

        var pending = then.Decision.NewState.AsOpened().PendingTransfers;
        Assert.Equal(1, pending.Count);
        Assert.True(pending.TryGet(SomeTransfer, out var amount));
        Assert.Equal(new Money(40.25m, Currency.EUR), amount);
        Assert.Equal(40.25m, pending.Total);
    }

    [Fact]
    public void Should_record_the_debit_in_the_account_currency_with_its_normalized_amount()
    {
        var then = Given(Opened("JPY"), Deposited(1000m, "JPY")).When(Debit(500.00m));

        var debited = then.ThenEmits<TransferDebited>();
        Assert.Equal(Currency.JPY, debited.Amount.Currency);
        Assert.Equal("500", debited.Amount.Amount.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Should_allow_a_transfer_debit_down_to_exactly_minus_the_overdraft_limit()
    {
        var then = Given(Opened(overdraft: 100m), Deposited(50m)).When(Debit(150m));

        then.ThenEmits<TransferDebited>();
        Assert.Equal(new CommandAccepted(3L, -100m), then.ThenAccepted());
        Assert.Equal(0m, then.Decision.NewState.AsOpened().Available);
    }

    [Fact]
    public void Should_track_several_pending_transfers_separately()
    {
        var then = Given(Opened(), Deposited(100m), Debited(30m)).When(Debit(20m, transfer: OtherTransfer));

        then.ThenEmits<TransferDebited>();
        var pending = then.Decision.NewState.AsOpened().PendingTransfers;
        Assert.Equal(2, pending.Count);
        Assert.Equal(50m, pending.Total);
        Assert.True(pending.TryGet(SomeTransfer, out var first));
        Assert.True(pending.TryGet(OtherTransfer, out var second));
        Assert.Equal(30m, first.Amount);
        Assert.Equal(20m, second.Amount);
        Assert.Equal(50m, then.Decision.NewState.AsOpened().Balance);
    }

    [Fact]
    public void Should_decline_a_transfer_debit_below_minus_the_overdraft_and_keep_nothing_pending()
    {
        var command = Debit(150.01m, reference: "rent");

        var then = Given(Opened(overdraft: 100m), Deposited(50m)).When(command);

        var declined = then.ThenEmits<TransferDebitDeclined>();
        Assert.Equal(SomeTransfer, declined.TransferId);
        Assert.Equal(OtherId, declined.CreditAccountId);
        Assert.Equal(new Money(150.01m, Currency.EUR), declined.Requested);
        Assert.Equal(150m, declined.Available);
        Assert.Equal(WithdrawalDeclineReason.InsufficientFunds, declined.Reason);
        Assert.Equal("rent", declined.Reference);
        Assert.Equal(command.CommandId, declined.CommandId);

        var outcome = then.ThenDeclined(DeclineReason.InsufficientFunds);
        Assert.Equal(3L, outcome.Version);
        Assert.Equal(50m, outcome.Balance);
        Assert.Contains("150.01", outcome.Detail, StringComparison.Ordinal);

        // Recorded for the audit trail, but no money moved and nothing is on its way.
        Assert.Equal(50m, then.Decision.NewState.AsOpened().Balance);
        Assert.Equal(0, then.Decision.NewState.AsOpened().PendingTransfers.Count);
    }

    [Fact]
    public void Should_reject_a_transfer_debit_to_the_account_itself()
    {
        var rejected = Given(Opened(), Deposited(100m)).When(Debit(10m, to: Id)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("A transfer needs two different accounts.", rejected.Messages());
    }

    /// <summary>A transfer debit takes money out like a withdrawal, so it must refuse exactly the same input.</summary>
    [Theory]
    [InlineData("EUR", "0", null)]
    [InlineData("EUR", "-0.01", null)]
    [InlineData("EUR", "1000000000.01", null)]
    [InlineData("EUR", "10.001", null)]
    [InlineData("USD", "0.005", null)]
    [InlineData("JPY", "10.5", null)]
    [InlineData("KWD", "1.0001", null)]
    [InlineData("EUR", "10", "invoice\n42")]
    [InlineData("EUR", "-1", "a\tb")]
    public void Should_reject_a_transfer_debit_exactly_as_a_withdrawal_of_the_same_input(string currency, string amount, string? reference)
    {
        var funded = Given(Opened(currency), Deposited(1000m, currency));

        var asWithdrawal = funded.When(Withdraw(D(amount), reference: reference)).ThenRejects(RejectionReason.InvalidCommand);
        var asDebit = funded.When(Debit(D(amount), reference: reference)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Equal(asWithdrawal.Errors, asDebit.Errors);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-100")]
    public void Should_reject_a_transfer_debit_that_is_not_positive(string amount)
    {
        var rejected = Given(Opened(), Deposited(100m)).When(Debit(D(amount))).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("'amount' must be greater than zero.", rejected.Messages());
    }

    [Fact]
    public void Should_reject_a_transfer_debit_with_a_reference_longer_than_the_maximum()
    {
        var rejected = Given(Opened(), Deposited(100m))
            .When(Debit(10m, reference: new string('r', Account.MaxReferenceLength + 1)))
            .ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("'reference' must be at most 140 characters.", rejected.Messages());
    }

    [Fact]
    public void Should_reject_a_transfer_debit_from_an_account_that_was_never_opened()
    {
        var rejected = Given().When(Debit(10m)).ThenRejects(RejectionReason.AccountNotFound);

        Assert.Equal(0L, rejected.CurrentVersion);
    }

    [Fact]
    public void Should_reject_a_transfer_debit_from_a_closed_account()
    {
        var rejected = Given(Opened(), Closed()).When(Debit(10m)).ThenRejects(RejectionReason.AccountClosed);

        Assert.Equal(2L, rejected.CurrentVersion);
    }

    // Credit

    [Fact]
    public void Should_credit_a_transfer_and_raise_the_balance()
    {
        var command = Credit(25.50m, reference: " invoice 7 ");

        var then = Given(Opened(), Deposited(10m)).When(command);

        var credited = then.ThenEmits<TransferCredited>();
        Assert.Equal(SomeTransfer, credited.TransferId);
        Assert.Equal(OtherId, credited.DebitAccountId);
        Assert.Equal(new Money(25.50m, Currency.EUR), credited.Amount);
        Assert.Equal("invoice 7", credited.Reference);
        Assert.Equal(command.CommandId, credited.CommandId);
        Assert.Equal(new CommandAccepted(3L, 35.50m), then.ThenAccepted());
        // Only the source tracks the transfer as pending.
        Assert.Equal(0, then.Decision.NewState.AsOpened().PendingTransfers.Count);
    }

    [Fact]
    public void Should_reject_a_transfer_credit_in_another_currency()
    {
        var rejected = Given(Opened("EUR")).When(Credit(10m, "USD")).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("'currency' USD does not match the account currency EUR.", rejected.Messages());
    }

    [Fact]
    public void Should_reject_a_transfer_credit_with_more_decimals_than_the_account_currency_allows()
    {
        var rejected = Given(Opened("JPY")).When(Credit(10.5m, "JPY")).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("more decimals than JPY allows", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_a_transfer_credit_that_is_not_positive()
    {
        var rejected = Given(Opened()).When(Credit(0m)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("'amount' must be greater than zero.", rejected.Messages());
    }

    [Fact]
    public void Should_reject_a_transfer_credit_to_a_closed_account()
    {
        var rejected = Given(Opened(), Closed()).When(Credit(10m)).ThenRejects(RejectionReason.AccountClosed);

        Assert.Equal(2L, rejected.CurrentVersion);
    }

    [Fact]
    public void Should_reject_a_transfer_credit_to_an_account_that_was_never_opened()
    {
        Given().When(Credit(10m)).ThenRejects(RejectionReason.AccountNotFound);
    }

    // Settle

    [Fact]
    public void Should_settle_a_pending_transfer_without_moving_money()
    {
        var command = Settle();

        var then = Given(Opened(), Deposited(100m), Debited(40m)).When(command);

        var settled = then.ThenEmits<TransferSettled>();
        Assert.Equal(SomeTransfer, settled.TransferId);
        Assert.Equal(command.CommandId, settled.CommandId);
        Assert.Equal(new CommandAccepted(4L, 60m), then.ThenAccepted());
        Assert.Equal(0, then.Decision.NewState.AsOpened().PendingTransfers.Count);
    }

    [Fact]
    public void Should_settle_only_the_named_transfer()
    {
        var then = Given(Opened(), Deposited(100m), Debited(30m), Debited(20m, OtherTransfer)).When(Settle(OtherTransfer));

        then.ThenEmits<TransferSettled>();
        var pending = then.Decision.NewState.AsOpened().PendingTransfers;
        Assert.Equal(1, pending.Count);
        Assert.True(pending.TryGet(SomeTransfer, out _));
        Assert.Equal(50m, then.Decision.NewState.AsOpened().Balance);
    }

    [Fact]
    public void Should_reject_settling_a_transfer_that_is_not_pending()
    {
        var rejected = Given(Opened(), Deposited(100m), Debited(30m, OtherTransfer)).When(Settle()).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains(SomeTransfer.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_settling_a_transfer_whose_debit_was_declined()
    {
        Given(Opened(), DeclinedDebit(10m, 0m)).When(Settle()).ThenRejects(RejectionReason.InvalidCommand);
    }

    [Fact]
    public void Should_reject_settling_a_transfer_that_was_already_refunded()
    {
        Given(Opened(), Deposited(100m), Debited(40m), Refunded(40m)).When(Settle()).ThenRejects(RejectionReason.InvalidCommand);
    }

    // Refund

    [Fact]
    public void Should_refund_exactly_the_pending_amount_and_end_the_pending_transfer()
    {
        var command = Refund(reason: "  AccountClosed  ");

        var then = Given(Opened(), Deposited(100m), Debited(40.25m)).When(command);

        var refunded = then.ThenEmits<TransferRefunded>();
        Assert.Equal(SomeTransfer, refunded.TransferId);
        Assert.Equal(new Money(40.25m, Currency.EUR), refunded.Amount);
        Assert.Equal("AccountClosed", refunded.Reason);
        Assert.Equal(command.CommandId, refunded.CommandId);
        Assert.Equal(new CommandAccepted(4L, 100m), then.ThenAccepted());
        Assert.Equal(0, then.Decision.NewState.AsOpened().PendingTransfers.Count);
    }

    [Fact]
    public void Should_refund_into_an_overdrawn_account_exactly_what_the_transfer_took()
    {
        // The refund command carries no amount: the account is the one that knows it.
        var then = Given(Opened(overdraft: 100m), Deposited(10m), Debited(30m), Debited(50m, OtherTransfer)).When(Refund(OtherTransfer));

        Assert.Equal(new Money(50m, Currency.EUR), then.ThenEmits<TransferRefunded>().Amount);
        Assert.Equal(new CommandAccepted(5L, -20m), then.ThenAccepted());
        Assert.Equal(30m, then.Decision.NewState.AsOpened().PendingTransfers.Total);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Should_record_an_unspecified_reason_for_a_refund_without_one(string reason)
    {
        var then = Given(Opened(), Deposited(100m), Debited(40m)).When(Refund(reason: reason));

        Assert.Equal("unspecified", then.ThenEmits<TransferRefunded>().Reason);
    }

    [Fact]
    public void Should_reject_refunding_a_transfer_that_is_not_pending()
    {
        var rejected = Given(Opened(), Deposited(100m)).When(Refund()).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains(SomeTransfer.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_a_second_refund_of_the_same_transfer_so_money_is_not_given_back_twice()
    {
        var then = Given(Opened(), Deposited(100m), Debited(40m)).When(Refund())
            .Continue().When(Refund());

        // The retried refund step repeats its answer and records nothing.
        Assert.IsType<CommandAccepted>(then.Decision.Outcome);
        Assert.Empty(then.Decision.Events);
        Assert.Equal(100m, then.Decision.NewState.AsOpened().Balance);
    }

    [Fact]
    public void Should_reject_refunding_a_transfer_that_was_already_settled()
    {
        var then = Given(Opened(), Deposited(100m), Debited(40m), Settled()).When(Refund());

        then.ThenRejects(RejectionReason.InvalidCommand);
        Assert.Equal(60m, then.Decision.NewState.AsOpened().Balance);
    }

    // Closing

    [Fact]
    public void Should_decline_closing_an_account_with_a_pending_transfer_even_at_zero_balance()
    {
        var command = Close();

        var then = Given(Opened(), Deposited(10m), Debited(10m)).When(command);

        var declined = then.ThenEmits<AccountClosureDeclined>();
        Assert.Equal(ClosureDeclineReason.TransfersPending, declined.Reason);
        Assert.Equal(0m, declined.Balance);
        Assert.Equal(command.CommandId, declined.CommandId);
        var outcome = then.ThenDeclined(DeclineReason.TransfersPending);
        Assert.Equal(4L, outcome.Version);
        Assert.Equal(0m, outcome.Balance);
        Assert.Equal(AccountStatus.Open, then.Decision.NewState.Status);
        Assert.Equal(1, then.Decision.NewState.AsOpened().PendingTransfers.Count);
    }

    [Fact]
    public void Should_report_pending_transfers_before_a_non_zero_balance()
    {
        var then = Given(Opened(), Deposited(30m), Debited(10m)).When(Close());

        Assert.Equal(ClosureDeclineReason.TransfersPending, then.ThenEmits<AccountClosureDeclined>().Reason);
        Assert.Equal(20m, then.ThenDeclined(DeclineReason.TransfersPending).Balance);
    }

    [Fact]
    public void Should_close_at_zero_balance_once_the_transfer_is_settled()
    {
        var then = Given(Opened(), Deposited(10m), Debited(10m)).When(Close())
            .Continue().When(Settle())
            .Continue().When(Close());

        then.ThenEmits<AccountClosed>();
        Assert.Equal(new CommandAccepted(6L, 0m), then.ThenAccepted());
        Assert.Equal(AccountStatus.Closed, then.Decision.NewState.Status);
    }

    [Fact]
    public void Should_close_at_zero_balance_once_the_transfer_is_refunded()
    {
        // The debit went into the overdraft; the refund brings the balance back to exactly zero.
        var then = Given(Opened(overdraft: 50m), Debited(20m)).When(Refund())
            .Continue().When(Close());

        then.ThenEmits<AccountClosed>();
        Assert.Equal(new CommandAccepted(4L, 0m), then.ThenAccepted());
    }

    [Fact]
    public void Should_not_close_the_destination_before_the_transfer_is_settled_there()
    {
        var given = Given(Opened(), Credited(10m), Withdrawn(10m));

        Assert.Equal(ClosureDeclineReason.TransfersPending, given.When(Close()).ThenEmits<AccountClosureDeclined>().Reason);
        given.When(Settle()).Continue().When(Close()).ThenEmits<AccountClosed>();
    }
}
