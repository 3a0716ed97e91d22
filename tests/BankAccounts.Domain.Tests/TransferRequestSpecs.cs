using System.Globalization;
using static BankAccounts.Domain.Tests.TransferSpec;
using static BankAccounts.Domain.TransferEvents;

namespace BankAccounts.Domain.Tests;

/// <summary>The transfer decider (<see cref="Transfer"/>) on a request: what it records, what it rejects, how it answers a repeat.</summary>
public sealed class TransferRequestSpecs
{
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
}
