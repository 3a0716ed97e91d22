using System.Globalization;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.TransferEvents;

namespace BankAccounts.Domain.Tests;

/// <summary>
/// The transfer process manager's pure rules (<see cref="Transfer"/>): what it records for a
/// request and for each account answer, which account command each step sends, and — driven
/// against two real account deciders — that no money is created or lost on any path.
/// </summary>
public sealed class TransferProcessSpecs
{
    private static readonly TransferId Id = AccountSpec.SomeTransfer;
    private static readonly AccountId From = AccountSpec.Id;
    private static readonly AccountId To = AccountSpec.OtherId;
    private static readonly CommandId RequestKey = new("transfer-request-1");
    private static readonly DateTimeOffset Now = AccountSpec.Now;

    private static RequestTransfer NewRequest(
        decimal amount = 25m, string? reference = "invoice 7", AccountId? from = null, AccountId? to = null, CommandId? id = null) =>
        new(Id, from ?? From, to ?? To, amount, reference, id ?? RequestKey);

    private static CommandAccepted Accepted(long version = 3L, decimal balance = 75m) => new(version, balance);

    private static CommandRejected Rejected(RejectionReason reason, params string[] errors) =>
        new(reason, errors.Length == 0 ? [FieldError.General(FieldErrorCodes.Invalid, "refused.")] : [.. errors.Select(e => FieldError.General(FieldErrorCodes.Invalid, e))], 2L);

    private static CommandDeclined InsufficientFunds() =>
        new(3L, 10m, DeclineReason.InsufficientFunds, "Transfer of 25 EUR declined: only 10 EUR available including the overdraft.");

    /// <summary>A transfer that was requested and whose source answered the debit.</summary>
    private static Run Debited(decimal amount = 25m)
    {
        var run = Run.Requested(amount);
        run.Answer(Accepted());
        return run;
    }

    // Request

    [Fact]
    public void Should_record_a_requested_transfer_with_a_trimmed_reference()
    {
        var run = new Run();

        var decision = run.Request(NewRequest(25.50m, "  invoice 7  "));

        Assert.Null(decision.Rejection);
        var requested = Assert.IsType<TransferRequested>(Assert.Single(decision.Events));
        Assert.Equal(new TransferRequested(Id, From, To, 25.50m, "invoice 7", RequestKey, Now) { Metadata = new EventMetadata(Security.Principal.System) }, requested);

        var state = run.State;
        Assert.Equal(TransferStatus.Pending, state.Status);
        Assert.Equal((From, To, 25.50m, "invoice 7", RequestKey), (state.From, state.To, state.Amount, state.Reference, state.RequestId));
        Assert.Equal(Now, state.RequestedAt);
        Assert.Equal(Now, state.UpdatedAt);
        Assert.Equal(1L, state.Version);
        Assert.Null(state.Debited);
        Assert.Null(state.FailureReason);
        Assert.Equal(TransferStep.Debit, state.NextStep);
        var step = Assert.Single(state.Steps);
        Assert.Equal(new TransferStepTaken("requested", Now, $"25.50 from {From} to {To}"), step);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Should_record_no_reference_when_none_is_given(string? reference)
    {
        var run = new Run();

        var requested = Assert.IsType<TransferRequested>(Assert.Single(run.Request(NewRequest(reference: reference)).Events));

        Assert.Null(requested.Reference);
        Assert.Null(run.State.Reference);
    }

    [Fact]
    public void Should_reject_a_transfer_from_an_account_to_itself()
    {
        var rejected = RejectedRequest(NewRequest(to: From));

        Assert.Contains("'toAccountId' must differ from 'fromAccountId'.", rejected.Messages());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.01")]
    [InlineData("-100")]
    public void Should_reject_a_transfer_amount_that_is_not_positive(string amount)
    {
        var rejected = RejectedRequest(NewRequest(decimal.Parse(amount, CultureInfo.InvariantCulture)));

        Assert.Contains("'amount' must be greater than zero.", rejected.Messages());
    }

    [Fact]
    public void Should_reject_a_transfer_amount_above_the_maximum_operation_amount()
    {
        var rejected = RejectedRequest(NewRequest(Money.MaxOperationAmount + 0.01m));

        Assert.Contains("'amount' must not exceed 1000000000.", rejected.Messages());
    }

    [Fact]
    public void Should_accept_a_transfer_of_exactly_the_maximum_operation_amount()
    {
        var run = new Run();

        Assert.Single(run.Request(NewRequest(Money.MaxOperationAmount)).Events);
        Assert.Equal(Money.MaxOperationAmount, run.State.Amount);
    }

    [Fact]
    public void Should_reject_a_transfer_reference_longer_than_the_maximum()
    {
        var rejected = RejectedRequest(NewRequest(reference: new string('r', Account.MaxReferenceLength + 1)));

        Assert.Contains("'reference' must be at most 140 characters.", rejected.Messages());
    }

    [Fact]
    public void Should_measure_the_reference_after_trimming_it()
    {
        var reference = new string('r', Account.MaxReferenceLength);
        var run = new Run();

        Assert.Single(run.Request(NewRequest(reference: "  " + reference + "  ")).Events);
        Assert.Equal(reference, run.State.Reference);
    }

    [Theory]
    [InlineData("invoice\n42")]
    [InlineData("invoice\u001b42")]
    public void Should_reject_a_transfer_reference_with_control_characters(string reference)
    {
        var rejected = RejectedRequest(NewRequest(reference: reference));

        Assert.Contains("'reference' must not contain control characters.", rejected.Messages());
    }

    [Fact]
    public void Should_report_every_problem_of_a_request_at_once()
    {
        var rejected = RejectedRequest(NewRequest(0m, new string('r', Account.MaxReferenceLength + 1), to: From));

        Assert.Equal(3, rejected.Errors.Count);
    }

    [Fact]
    public void Should_not_remember_a_rejected_request_so_a_corrected_one_can_follow()
    {
        var run = new Run();
        Assert.NotNull(run.Request(NewRequest(0m)).Rejection);

        var decision = run.Request(NewRequest(25m));

        Assert.Null(decision.Rejection);
        Assert.IsType<TransferRequested>(Assert.Single(decision.Events));
    }

    [Fact]
    public void Should_answer_a_repeated_identical_request_with_nothing_new()
    {
        var run = Run.Requested();
        var before = run.State;

        // Same details, written differently: the reference is trimmed, 25.00 is 25.
        var decision = run.Request(NewRequest(25.00m, " invoice 7 "));

        Assert.Null(decision.Rejection);
        Assert.Empty(decision.Events);
        Assert.Equal(before, decision.NewState);
    }

    [Fact]
    public void Should_answer_a_repeated_request_with_nothing_new_after_the_transfer_progressed()
    {
        var run = Debited();
        var before = run.State;

        var decision = run.Request(NewRequest());

        Assert.Null(decision.Rejection);
        Assert.Empty(decision.Events);
        Assert.Equal(before, run.State);
        Assert.Equal(TransferStep.Credit, run.State.NextStep);
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("from")]
    [InlineData("to")]
    [InlineData("reference")]
    public void Should_reject_a_repeated_request_with_other_details(string changed)
    {
        var run = Debited();
        var before = run.State;
        var request = changed switch
        {
            "amount" => NewRequest(25.01m),
            "from" => NewRequest(from: AccountId.DeriveFrom("a third account")),
            "to" => NewRequest(to: AccountId.DeriveFrom("a third account")),
            _ => NewRequest(reference: "invoice 8"),
        };

        var decision = run.Request(request);

        var rejected = Assert.IsType<CommandRejected>(decision.Rejection);
        Assert.Equal(RejectionReason.CommandIdReused, rejected.Reason);
        Assert.Equal(before.Version, rejected.CurrentVersion);
        Assert.Empty(decision.Events);
        Assert.Equal(before, run.State);
    }

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

    // End to end against two account deciders

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_move_the_money_and_conserve_it_at_every_step_of_a_successful_transfer(bool redeliver)
    {
        var bank = new Bank().Open(From, deposit: 100m).Open(To, deposit: 5m);

        var (final, snapshots) = Drive(bank, 40m, redeliver);

        Assert.Equal(TransferStatus.Completed, final.Status);
        Assert.Equal(60m, bank[From].Balance);
        Assert.Equal(45m, bank[To].Balance);
        Assert.Equal(0m, bank.Pending);
        Assert.Equal([TransferStep.Debit, TransferStep.Credit, TransferStep.Settle, TransferStep.SettleDestination], snapshots.Select(s => s.Step));
        // Balances + pending is 105 at rest. Between the credit and the settle the source still
        // holds the transfer as pending (only the settle tells it the money arrived), so for that
        // one step balances + pending counts the 40 twice; what is conserved is balances + money in flight.
        Assert.Equal([105m, 145m, 105m, 105m], snapshots.Select(s => s.Balances + s.Pending));
        Assert.Equal([40m, 0m, 0m, 0m], snapshots.Select(s => s.InFlight));
        Assert.Equal(0, bank[To].PendingCredits.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_move_nothing_when_the_debit_is_declined(bool redeliver)
    {
        var bank = new Bank().Open(From, deposit: 10m).Open(To);

        var (final, snapshots) = Drive(bank, 40m, redeliver);

        Assert.Equal(TransferStatus.Failed, final.Status);
        Assert.Equal("InsufficientFunds", final.FailureReason);
        Assert.Equal((10m, 0m, 0m), (bank[From].Balance, bank[To].Balance, bank.Pending));
        Assert.Equal([10m], snapshots.Select(s => s.Balances + s.Pending));
        Assert.IsType<TransferDebitDeclined>(bank.Journal(From)[^1]);
    }

    [Theory]
    [InlineData("closed", "AccountClosed", false)]
    [InlineData("closed", "AccountClosed", true)]
    [InlineData("usd", "InvalidCommand", false)]
    [InlineData("usd", "InvalidCommand", true)]
    [InlineData("missing", "AccountNotFound", false)]
    public void Should_refund_the_source_in_full_when_the_destination_refuses_the_credit(string destination, string reason, bool redeliver)
    {
        var bank = new Bank().Open(From, deposit: 100m);
        _ = destination switch
        {
            "closed" => bank.Open(To).Close(To),
            "usd" => bank.Open(To, "USD"),
            _ => bank,
        };

        var (final, snapshots) = Drive(bank, 40m, redeliver);

        Assert.Equal(TransferStatus.Failed, final.Status);
        Assert.Equal(reason, final.FailureReason);
        Assert.Equal(100m, bank[From].Balance);
        Assert.Equal(0m, bank[To].Balance);
        Assert.Equal(0m, bank.Pending);
        Assert.Equal([TransferStep.Debit, TransferStep.Credit, TransferStep.Refund], snapshots.Select(s => s.Step));
        Assert.Equal([100m, 100m, 100m], snapshots.Select(s => s.Balances + s.Pending));
        var refunded = Assert.IsType<TransferRefunded>(bank.Journal(From)[^1]);
        Assert.Equal(new Money(40m, Currency.EUR), refunded.Amount);
        Assert.Equal(reason, refunded.Reason);
        Assert.DoesNotContain(bank.Journal(To), e => e is TransferCredited);
    }

    [Fact]
    public void Should_move_nothing_when_the_source_does_not_exist()
    {
        var bank = new Bank().Open(To, deposit: 5m);

        var (final, snapshots) = Drive(bank, 40m, redeliver: false);

        Assert.Equal(TransferStatus.Failed, final.Status);
        Assert.Equal("AccountNotFound", final.FailureReason);
        Assert.Equal([5m], snapshots.Select(s => s.Balances + s.Pending));
        Assert.Empty(bank.Journal(From));
    }

    [Fact]
    public void Should_let_the_source_close_after_the_transfer_completes()
    {
        var bank = new Bank().Open(From, deposit: 40m).Open(To);

        var (final, _) = Drive(bank, 40m, redeliver: false);

        Assert.Equal(TransferStatus.Completed, final.Status);
        Assert.IsType<CommandAccepted>(bank.Send(new CloseAccount(From, CommandId.New())));
        Assert.Equal(AccountStatus.Closed, bank[From].Status);
    }

    private sealed record Snapshot(TransferStep Step, decimal Balances, decimal Pending, decimal InFlight);

    /// <summary>
    /// Runs one transfer to its end: request, then for each step send <see cref="Transfer.CommandFor"/>
    /// to the bank and record the answer. With <paramref name="redeliver"/> every command reaches the
    /// account twice and every answer reaches the process twice, as at-least-once delivery allows.
    /// </summary>
    private static (TransferState Final, IReadOnlyList<Snapshot> Snapshots) Drive(Bank bank, decimal amount, bool redeliver)
    {
        var conserved = bank.Balances + bank.InFlight;
        var run = Run.Requested(amount);
        var snapshots = new List<Snapshot>();
        while (run.State.NextStep != TransferStep.None)
        {
            Assert.True(snapshots.Count < 4, "A transfer takes at most four account steps.");
            var step = run.State.NextStep;
            var command = Transfer.CommandFor(run.State, step);
            var outcome = bank.Send(command);
            if (redeliver)
            {
                var again = bank.Send(command);
                if (outcome is CommandRejected rejected)
                {
                    Assert.Equal(rejected.Reason, Assert.IsType<CommandRejected>(again).Reason);
                }
                else
                {
                    Assert.Equal(outcome, again);
                }
            }

            Assert.Equal(conserved, bank.Balances + bank.InFlight);
            snapshots.Add(new Snapshot(step, bank.Balances, bank.Pending, bank.InFlight));

            var sourceCurrency = bank[run.State.From].Currency;
            Assert.Single(run.Answer(step, outcome, sourceCurrency).Events);
            if (redeliver)
            {
                Assert.Empty(run.Answer(step, outcome, sourceCurrency).Events);
            }
        }
        Assert.Equal(conserved, bank.Balances + bank.Pending);
        bank.AssertEveryAccountIsTheReplayOfItsJournal();
        return (run.State, snapshots);
    }

    /// <summary>
    /// One transfer's stream: every decision is recorded, each at the next second of the spec clock,
    /// and the state must always be the replay of the stream.
    /// </summary>
    private sealed class Run
    {
        private readonly List<TransferEvent> _events = [];
        private int _tick;

        public TransferState State { get; private set; } = TransferState.Initial(Id);

        public IReadOnlyList<TransferEvent> Events => _events;

        public static Run Requested(decimal amount = 25m)
        {
            var run = new Run();
            Assert.Single(run.Request(NewRequest(amount)).Events);
            return run;
        }

        public TransferDecision Request(RequestTransfer request) =>
            Record(Transfer.Request(State, request.Principal == Security.Principal.Anonymous ? request with { Principal = Security.Principal.System } : request, NextTick()));

        /// <summary>The answer to the step the transfer is waiting for.</summary>
        public TransferDecision Answer(CommandOutcome outcome) => Answer(State.NextStep, outcome);

        public TransferDecision Answer(TransferStep step, CommandOutcome outcome, Currency? sourceCurrency = null) =>
            Record(Transfer.OnOutcome(State, step, outcome, sourceCurrency ?? Currency.EUR, NextTick()));

        public TransferDecision SourceUnavailable(RejectionReason reason, string detail) =>
            Record(Transfer.SourceUnavailable(State, reason, detail, NextTick()));

        public TransferDecision SourceLookedUp(AccountView source) =>
            Record(Transfer.SourceLookedUp(State, source, NextTick()));

        private DateTimeOffset NextTick() => Now.AddSeconds(_tick++);

        private TransferDecision Record(TransferDecision decision)
        {
            if (decision.Rejection is not null || decision.Events.Count == 0)
            {
                Assert.Empty(decision.Events);
                Assert.Equal(State, decision.NewState);
                _tick--; // nothing recorded, so the clock of the next event does not move
            }
            _events.AddRange(decision.Events);
            State = decision.NewState;
            Assert.Equal(Transfer.Replay(Id, _events), State);
            Assert.Equal(_events.Count, State.Version);
            return decision;
        }
    }

    /// <summary>
    /// A tiny in-memory bank: each account is a state advanced with <see cref="Account.Decide"/>; a
    /// command is delivered synchronously and its outcome returned, as the account entity would reply.
    /// </summary>
    private sealed class Bank
    {
        private readonly Dictionary<AccountId, AccountState> _accounts = [];
        private readonly Dictionary<AccountId, List<AccountEvent>> _journals = [];
        private readonly HashSet<TransferId> _credited = [];

        public AccountState this[AccountId id] => _accounts.GetValueOrDefault(id) ?? AccountState.Initial(id);

        public decimal Balances => _accounts.Values.Sum(a => a.Balance);

        /// <summary>Transfers the sources still hold as pending (not settled or refunded yet).</summary>
        public decimal Pending => _accounts.Values.Sum(a => a.PendingTransfers.Total);

        /// <summary>Money that left a source and has not arrived at its destination: pending and not credited.</summary>
        public decimal InFlight => _accounts.Values
            .SelectMany(a => a.PendingTransfers.All)
            .Where(p => !_credited.Contains(p.Key))
            .Sum(p => p.Value.Amount);

        public IReadOnlyList<AccountEvent> Journal(AccountId id) => _journals.GetValueOrDefault(id) ?? [];

        public Bank Open(AccountId id, string currency = "EUR", decimal deposit = 0m)
        {
            Assert.IsType<CommandAccepted>(Send(new OpenAccount(id, CommandId.New(), AccountSpec.Owner, currency)));
            if (deposit > 0m)
            {
                Assert.IsType<CommandAccepted>(Send(new DepositMoney(id, CommandId.New(), deposit)));
            }
            return this;
        }

        public Bank Close(AccountId id)
        {
            Assert.IsType<CommandAccepted>(Send(new CloseAccount(id, CommandId.New())));
            return this;
        }

        public CommandOutcome Send(AccountCommand command)
        {
            // Client commands of this bank act as the system; transfer steps carry the transfer's requester.
            var attributed = command.Principal == Security.Principal.Anonymous ? command with { Principal = Security.Principal.System } : command;
            var decision = Account.Decide(this[command.AccountId], attributed, Now);
            if (decision.Events.Count > 0)
            {
                _accounts[command.AccountId] = decision.NewState;
                if (!_journals.TryGetValue(command.AccountId, out var journal))
                {
                    _journals[command.AccountId] = journal = [];
                }
                journal.AddRange(decision.Events);
                _credited.UnionWith(decision.Events.OfType<TransferCredited>().Select(c => c.TransferId));
            }
            return decision.Outcome;
        }

        public void AssertEveryAccountIsTheReplayOfItsJournal()
        {
            foreach (var (id, state) in _accounts)
            {
                AccountSpec.AssertSameState(Account.Replay(id, Journal(id)), state);
            }
        }
    }

    private static CommandRejected RejectedRequest(RequestTransfer request)
    {
        var run = new Run();

        var decision = run.Request(request);

        var rejected = Assert.IsType<CommandRejected>(decision.Rejection);
        Assert.Equal(RejectionReason.InvalidCommand, rejected.Reason);
        Assert.Equal(0L, rejected.CurrentVersion);
        Assert.Empty(decision.Events);
        Assert.Equal(TransferState.Initial(Id), run.State);
        return rejected;
    }
}
