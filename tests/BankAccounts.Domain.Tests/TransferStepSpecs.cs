using System.Globalization;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.Tests.TransferSpec;
using static BankAccounts.Domain.TransferEvents;

namespace BankAccounts.Domain.Tests;

/// <summary>The transfer decider (<see cref="Transfer"/>) step by step: what it records for each account answer and for the source looked up, which account command each step sends, and the fold.</summary>
public sealed class TransferStepSpecs
{
    // The steps

    [Fact]
    public void Should_debit_then_credit_then_settle_both_accounts_and_complete()
    {
        var run = Run.Requested();
        Assert.Equal(TransferStep.Debit, run.State.NextStep);

        var debited = Assert.IsType<SourceDebited>(Assert.Single(run.Answer(Accepted(3L, 75m)).Events));
        Assert.Equal(new SourceDebited(new Money(25m, Currency.EUR), 3L, Now.AddSeconds(1)) { Metadata = new EventMetadata(Security.Principal.System) }, debited);
        Assert.Equal(new Money(25m, Currency.EUR), run.State.Debited);
        Assert.Equal(TransferStatus.Pending, run.State.Status);
        Assert.Equal(TransferStep.Credit, run.State.NextStep);

        var credited = Assert.IsType<DestinationCredited>(Assert.Single(run.Answer(Accepted(1L, 25m)).Events));
        Assert.Equal(1L, credited.DestinationVersion);
        Assert.True(run.State.Credited);
        Assert.Equal(TransferStatus.Pending, run.State.Status);
        Assert.Equal(TransferStep.Settle, run.State.NextStep);

        var settled = Assert.IsType<SourceSettled>(Assert.Single(run.Answer(Accepted(4L, 75m)).Events));
        Assert.Equal(4L, settled.SourceVersion);
        Assert.Equal(TransferStatus.Pending, run.State.Status);
        Assert.Equal(TransferStep.SettleDestination, run.State.NextStep);

        var destinationSettled = Assert.IsType<DestinationSettled>(Assert.Single(run.Answer(Accepted(2L, 25m)).Events));
        Assert.Equal(2L, destinationSettled.DestinationVersion);
        Assert.Equal(TransferStatus.Completed, run.State.Status);
        Assert.Equal(TransferStep.None, run.State.NextStep);
        Assert.Null(run.State.FailureReason);

        Assert.Equal(["requested", "debited", "credited", "settled", "destination-settled"], run.State.Steps.Select(s => s.Step));
        Assert.Equal([Now, Now.AddSeconds(1), Now.AddSeconds(2), Now.AddSeconds(3), Now.AddSeconds(4)], run.State.Steps.Select(s => s.At));
        Assert.Equal(Now.AddSeconds(4), run.State.UpdatedAt);
        Assert.Equal(Now, run.State.RequestedAt);
        Assert.Equal(5L, run.State.Version);
        Assert.Equal(Transfer.Replay(Id, run.Events), run.State);
    }

    [Fact]
    public void Should_fail_without_further_steps_when_the_debit_is_declined()
    {
        var run = Run.Requested();
        var declined = InsufficientFunds();

        var failed = Assert.IsType<SourceDebitFailed>(Assert.Single(run.Answer(declined).Events));

        Assert.Equal(("InsufficientFunds", declined.Detail), (failed.Reason, failed.Detail));
        Assert.Equal(TransferStatus.Failed, run.State.Status);
        Assert.Equal(TransferStep.None, run.State.NextStep);
        Assert.Equal("InsufficientFunds", run.State.FailureReason);
        Assert.Equal(declined.Detail, run.State.FailureDetail);
        Assert.Null(run.State.Debited);
        Assert.Equal(["requested", "debit-failed"], run.State.Steps.Select(s => s.Step));
    }

    [Theory]
    [InlineData(RejectionReason.AccountNotFound)]
    [InlineData(RejectionReason.AccountClosed)]
    [InlineData(RejectionReason.InvalidCommand)]
    public void Should_fail_without_further_steps_when_the_debit_is_rejected(RejectionReason reason)
    {
        var run = Run.Requested();

        var failed = Assert.IsType<SourceDebitFailed>(Assert.Single(run.Answer(Rejected(reason, "First.", "Second.")).Events));

        Assert.Equal(reason.ToString(), failed.Reason);
        Assert.Equal("First. Second.", failed.Detail);
        Assert.Equal(TransferStatus.Failed, run.State.Status);
        Assert.Equal(TransferStep.None, run.State.NextStep);
        Assert.Equal(reason.ToString(), run.State.FailureReason);
    }

    [Theory]
    [InlineData(RejectionReason.AccountClosed)]
    [InlineData(RejectionReason.InvalidCommand)]
    [InlineData(RejectionReason.AccountNotFound)]
    public void Should_refund_the_source_and_fail_with_the_credit_reason_when_the_credit_is_rejected(RejectionReason reason)
    {
        var run = Debited();

        var creditFailed = Assert.IsType<DestinationCreditFailed>(
            Assert.Single(run.Answer(Rejected(reason, "'currency' EUR does not match the account currency USD.")).Events));

        Assert.Equal(reason.ToString(), creditFailed.Reason);
        Assert.Equal("'currency' EUR does not match the account currency USD.", creditFailed.Detail);
        // Compensation is still to do: the transfer is not over yet.
        Assert.Equal(TransferStatus.Pending, run.State.Status);
        Assert.True(run.State.CreditFailed);
        Assert.Equal(TransferStep.Refund, run.State.NextStep);

        var refunded = Assert.IsType<SourceRefunded>(Assert.Single(run.Answer(Accepted(4L, 100m)).Events));

        Assert.Equal(4L, refunded.SourceVersion);
        Assert.Equal(TransferStatus.Failed, run.State.Status);
        Assert.Equal(TransferStep.None, run.State.NextStep);
        Assert.Equal(reason.ToString(), run.State.FailureReason);
        Assert.Equal(creditFailed.Detail, run.State.FailureDetail);
        Assert.Equal(["requested", "debited", "credit-failed", "refunded"], run.State.Steps.Select(s => s.Step));
    }

    [Fact]
    public void Should_treat_a_declined_credit_like_a_rejected_one()
    {
        var run = Debited();

        var creditFailed = Assert.IsType<DestinationCreditFailed>(Assert.Single(run.Answer(InsufficientFunds()).Events));

        Assert.Equal("InsufficientFunds", creditFailed.Reason);
        Assert.Equal(TransferStep.Refund, run.State.NextStep);
    }

    [Theory]
    [InlineData(RejectionReason.InvalidCommand)]
    [InlineData(RejectionReason.CommandIdReused)]
    [InlineData(RejectionReason.AccountNotFound)]
    public void Should_never_count_a_refused_settle_as_done(RejectionReason reason)
    {
        // Regression of release 1: a client key that took the settle's step id made the real settle
        // "refused", and the transfer completed with money still pending on both accounts.
        var run = Debited();
        run.Answer(Accepted(1L, 25m));

        var refused = run.Answer(Rejected(reason, "not pending."));

        Assert.Empty(refused.Events);
        Assert.NotNull(refused.Refused);
        Assert.Equal(TransferStatus.Pending, run.State.Status);
        Assert.Equal(TransferStep.Settle, run.State.NextStep);
    }

    [Fact]
    public void Should_never_count_a_refused_refund_as_done_and_surface_it_as_stuck_when_giving_up()
    {
        var run = Debited();
        run.Answer(Rejected(RejectionReason.AccountClosed));

        var refused = run.Answer(Rejected(RejectionReason.InvalidCommand, "not pending."));
        Assert.Empty(refused.Events);
        Assert.Equal(TransferStep.Refund, run.State.NextStep);

        var stuck = Assert.IsType<TransferStuck>(Assert.Single(
            Transfer.GiveUp(run.State, TransferStep.Refund, refused.Refused!, Now).Events));
        Assert.Equal(TransferStep.Refund, stuck.Step);
        Assert.Equal(nameof(RejectionReason.InvalidCommand), stuck.Reason);
        Assert.Equal(TransferStatus.Stuck, Transfer.Evolve(run.State, stuck).Status);
        Assert.Equal(TransferStep.None, Transfer.Evolve(run.State, stuck).NextStep);
    }

    [Fact]
    public void Should_ignore_a_late_answer_to_a_debit_already_recorded()
    {
        var run = Debited();
        var before = run.State;

        Assert.Empty(run.Answer(TransferStep.Debit, Accepted()).Events);
        Assert.Empty(run.Answer(TransferStep.Debit, InsufficientFunds()).Events);
        Assert.Empty(run.Answer(TransferStep.Debit, Rejected(RejectionReason.AccountNotFound)).Events);

        Assert.Equal(before, run.State);
    }

    [Fact]
    public void Should_ignore_late_answers_once_the_transfer_is_completed()
    {
        var run = Debited();
        run.Answer(Accepted(1L, 25m));
        run.Answer(Accepted(4L, 75m));
        run.Answer(Accepted(2L, 25m));
        var before = run.State;

        Assert.Empty(run.Answer(TransferStep.Settle, Accepted(4L, 75m)).Events);
        Assert.Empty(run.Answer(TransferStep.SettleDestination, Accepted(2L, 25m)).Events);
        Assert.Empty(run.Answer(TransferStep.Credit, Rejected(RejectionReason.AccountClosed)).Events);
        Assert.Empty(run.Answer(TransferStep.Refund, Accepted()).Events);

        Assert.Equal(before, run.State);
        Assert.Equal(TransferStatus.Completed, run.State.Status);
    }

    [Fact]
    public void Should_ignore_a_late_debit_acceptance_once_the_debit_was_declined()
    {
        var run = Run.Requested();
        run.Answer(InsufficientFunds());

        Assert.Empty(run.Answer(TransferStep.Debit, Accepted()).Events);

        Assert.Equal(TransferStatus.Failed, run.State.Status);
    }

    [Fact]
    public void Should_ignore_an_answer_to_a_step_not_reached_yet()
    {
        var run = Run.Requested();

        Assert.Empty(run.Answer(TransferStep.Credit, Accepted()).Events);
        Assert.Empty(run.Answer(TransferStep.Settle, Accepted()).Events);

        Assert.Equal(TransferStep.Debit, run.State.NextStep);
        Assert.Equal(1L, run.State.Version);
    }

    // Source unavailable

    [Fact]
    public void Should_fail_when_the_source_is_unavailable_before_the_debit()
    {
        var run = Run.Requested();

        var failed = Assert.IsType<SourceDebitFailed>(
            Assert.Single(run.SourceUnavailable(RejectionReason.AccountNotFound, "Account does not exist.").Events));

        Assert.Equal(("AccountNotFound", "Account does not exist."), (failed.Reason, failed.Detail));
        Assert.Equal(TransferStatus.Failed, run.State.Status);
        Assert.Equal("AccountNotFound", run.State.FailureReason);
        Assert.Equal(TransferStep.None, run.State.NextStep);
    }

    [Fact]
    public void Should_ignore_the_source_being_unavailable_once_it_was_debited()
    {
        var run = Debited();
        var before = run.State;

        Assert.Empty(run.SourceUnavailable(RejectionReason.AccountClosed, "closed.").Events);

        Assert.Equal(before, run.State);
        Assert.Equal(TransferStep.Credit, run.State.NextStep);
    }

    [Fact]
    public void Should_ignore_the_source_being_unavailable_before_any_request_or_after_the_end()
    {
        var unrequested = new Run();
        Assert.Empty(unrequested.SourceUnavailable(RejectionReason.AccountNotFound, "missing.").Events);
        Assert.Equal(TransferStatus.NotRequested, unrequested.State.Status);

        var failed = Run.Requested();
        failed.Answer(InsufficientFunds());
        Assert.Empty(failed.SourceUnavailable(RejectionReason.AccountNotFound, "missing.").Events);
        Assert.Equal("InsufficientFunds", failed.State.FailureReason);
    }

    [Theory]
    [InlineData(AccountStatus.NotOpened, "AccountNotFound", "does not exist")]
    [InlineData(AccountStatus.Closed, "AccountClosed", "is closed")]
    public void Should_fail_without_a_debit_when_the_source_looked_up_is_not_able_to_pay(AccountStatus status, string reason, string detail)
    {
        var run = Run.Requested();

        var failed = Assert.IsType<SourceDebitFailed>(Assert.Single(run.SourceLookedUp(SourceView(status)).Events));

        Assert.Equal(reason, failed.Reason);
        Assert.Contains(detail, failed.Detail);
        Assert.Equal(TransferStatus.Failed, run.State.Status);
        Assert.Equal(TransferStep.None, run.State.NextStep);
    }

    [Fact]
    public void Should_go_on_to_the_debit_when_the_source_looked_up_is_open()
    {
        var run = Run.Requested();
        var before = run.State;

        var decision = run.SourceLookedUp(SourceView(AccountStatus.Open));

        Assert.Null(decision.Rejection);
        Assert.Empty(decision.Events);
        Assert.Equal(before, run.State);
        Assert.Equal(TransferStep.Debit, run.State.NextStep);
    }

    [Fact]
    public void Should_ignore_a_closed_source_looked_up_once_it_was_debited()
    {
        var run = Debited();

        Assert.Empty(run.SourceLookedUp(SourceView(AccountStatus.Closed)).Events);

        Assert.Equal(TransferStep.Credit, run.State.NextStep);
    }

    private static AccountView SourceView(AccountStatus status) =>
        new(From, status, "Ada Lovelace", "ada", Currency.EUR, 100m, 0m, status == AccountStatus.NotOpened ? 0L : 3L, null);

    // The account commands

    [Fact]
    public void Should_derive_each_step_command_id_from_the_transfer_id_and_the_step()
    {
        var run = Debited();
        run.Answer(Rejected(RejectionReason.AccountClosed));
        var state = run.State;

        var debit = Transfer.CommandFor(state, TransferStep.Debit).CommandId;
        var credit = Transfer.CommandFor(state, TransferStep.Credit).CommandId;
        var settle = Transfer.CommandFor(state, TransferStep.Settle).CommandId;
        var refund = Transfer.CommandFor(state, TransferStep.Refund).CommandId;

        Assert.Equal(new CommandId($"transfer:{Id.Value:N}:debit"), debit);
        Assert.Equal(new CommandId($"transfer:{Id.Value:N}:credit"), credit);
        Assert.Equal(new CommandId($"transfer:{Id.Value:N}:settle"), settle);
        Assert.Equal(new CommandId($"transfer:{Id.Value:N}:refund"), refund);
        Assert.Equal(4, new[] { debit, credit, settle, refund }.Distinct().Count());
        Assert.All(new[] { debit, credit, settle, refund }, id => Assert.True(CommandId.IsValid(id.Value)));
    }

    [Fact]
    public void Should_send_the_same_command_for_a_step_every_time_even_after_a_replay()
    {
        var run = Debited();
        var replayed = Transfer.Replay(Id, run.Events);

        Assert.Equal(Transfer.CommandFor(run.State, TransferStep.Debit), Transfer.CommandFor(run.State, TransferStep.Debit));
        Assert.Equal(Transfer.CommandFor(run.State, TransferStep.Debit), Transfer.CommandFor(replayed, TransferStep.Debit));
        Assert.Equal(Transfer.CommandFor(run.State, TransferStep.Credit), Transfer.CommandFor(replayed, TransferStep.Credit));
    }

    [Fact]
    public void Should_give_another_transfer_other_step_command_ids()
    {
        var other = TransferId.DeriveFrom("yet another transfer");

        Assert.NotEqual(Id.StepCommandId("debit"), other.StepCommandId("debit"));
        Assert.Equal(other.StepCommandId("debit"), TransferId.DeriveFrom("yet another transfer").StepCommandId("debit"));
    }

    [Fact]
    public void Should_debit_the_source_for_the_requested_amount_naming_the_destination()
    {
        var run = new Run();
        run.Request(NewRequest(25.50m, " invoice 7 "));

        var command = Transfer.CommandFor(run.State, TransferStep.Debit);

        // Every step acts for the requester.
        Assert.Equal(new DebitForTransfer(From, Id.StepCommandId("debit"), Id, To, 25.50m, "invoice 7") { Principal = Security.Principal.System }, command);
        Assert.Null(command.ExpectedVersion);
    }

    [Theory]
    [InlineData("EUR", "10.500", "10.50")]
    [InlineData("USD", "7", "7")]
    [InlineData("KWD", "2.5", "2.5")]
    public void Should_credit_the_destination_with_the_money_debited_in_the_source_currency(string currency, string amount, string normalized)
    {
        var run = Run.Requested(decimal.Parse(amount, CultureInfo.InvariantCulture));
        run.Answer(TransferStep.Debit, Accepted(), Currency.Find(currency));

        var command = Assert.IsType<CreditFromTransfer>(Transfer.CommandFor(run.State, TransferStep.Credit));

        Assert.Equal(To, command.AccountId);
        Assert.Equal(Id.StepCommandId("credit"), command.CommandId);
        Assert.Equal(Id, command.TransferId);
        Assert.Equal(From, command.DebitAccountId);
        Assert.Equal(Currency.Find(currency), command.Amount.Currency);
        Assert.Equal(run.State.Debited, command.Amount);
        Assert.Equal(normalized, command.Amount.Amount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("invoice 7", command.Reference);
    }

    [Fact]
    public void Should_refuse_to_build_a_credit_before_the_debit()
    {
        var run = Run.Requested();

        Assert.Throws<InvalidOperationException>(() => Transfer.CommandFor(run.State, TransferStep.Credit));
    }

    [Fact]
    public void Should_settle_both_accounts_and_refund_the_source()
    {
        var run = Debited();
        run.Answer(Rejected(RejectionReason.AccountClosed));

        Assert.Equal(new SettleTransfer(From, Id.StepCommandId("settle"), Id) { Principal = Security.Principal.System }, Transfer.CommandFor(run.State, TransferStep.Settle));
        Assert.Equal(new SettleTransfer(To, Id.StepCommandId("settle-destination"), Id) { Principal = Security.Principal.System }, Transfer.CommandFor(run.State, TransferStep.SettleDestination));
        Assert.Equal(new RefundTransfer(From, Id.StepCommandId("refund"), Id, "AccountClosed") { Principal = Security.Principal.System }, Transfer.CommandFor(run.State, TransferStep.Refund));
    }

    [Fact]
    public void Should_have_no_command_for_no_step()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Transfer.CommandFor(Debited().State, TransferStep.None));
    }

    // Fold

    [Fact]
    public void Should_rebuild_the_same_state_from_its_events()
    {
        var run = Debited(40m);
        run.Answer(Rejected(RejectionReason.AccountClosed, "closed."));
        run.Answer(Accepted(4L, 100m));

        var replayed = Transfer.Replay(Id, run.Events);

        Assert.Equal(run.State, replayed);
        Assert.Equal(run.Events.Count, replayed.Version);
        Assert.Equal(run.Events.Count, replayed.Steps.Count);
        Assert.Equal(TransferState.Initial(Id), Transfer.Replay(Id, []));
    }
}
