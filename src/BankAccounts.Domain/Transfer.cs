using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.TransferEvents;

namespace BankAccounts.Domain;

/// <summary>A request to move money between two accounts of the same currency.</summary>
public sealed record RequestTransfer(TransferId TransferId, AccountId From, AccountId To, decimal Amount, string? Reference, CommandId CommandId);

/// <summary>The result of a transfer decision: a rejection (nothing persisted) or the events to persist.</summary>
public sealed record TransferDecision(CommandRejected? Rejection, IReadOnlyList<TransferEvent> Events, TransferState NewState);

/// <summary>
/// The transfer process manager's rules, pure. A transfer debits the source, then credits the
/// destination, then settles the source and then the destination; if the credit is refused, it
/// refunds the source instead.
/// Each step is an account command with an id derived from the transfer id and the step, so a
/// retried step is recognised by the account and applied once.
/// </summary>
public static class Transfer
{
    public static TransferDecision Request(TransferState state, RequestTransfer request, DateTimeOffset now)
    {
        var reference = string.IsNullOrWhiteSpace(request.Reference) ? null : request.Reference.Trim();
        if (request.TransferId != state.Id)
        {
            return Reject(state, RejectionReason.InvalidCommand, $"Request for transfer {request.TransferId} sent to transfer {state.Id}.");
        }
        if (state.Status != TransferStatus.NotRequested)
        {
            var same = (state.From, state.To, state.Amount, state.Reference) == (request.From, request.To, request.Amount, reference);
            return same
                ? new TransferDecision(null, [], state)
                : Reject(state, RejectionReason.CommandIdReused, $"Transfer {state.Id} was already requested with different details.");
        }
        var errors = new List<string>(Money.ValidatePositiveShape(request.Amount));
        if (request.From == request.To)
        {
            errors.Add("'fromAccountId' and 'toAccountId' must differ.");
        }
        if (reference is { Length: > Account.MaxReferenceLength })
        {
            errors.Add($"'reference' must be at most {Account.MaxReferenceLength} characters.");
        }
        if (reference is not null && reference.Any(char.IsControl))
        {
            errors.Add("'reference' must not contain control characters.");
        }
        if (errors.Count > 0)
        {
            return Reject(state, RejectionReason.InvalidCommand, [.. errors]);
        }
        return Accept(state, new TransferRequested(request.TransferId, request.From, request.To, request.Amount, reference, request.CommandId, now));
    }

    /// <summary>The account command that performs <paramref name="step"/>; resending it is always safe.</summary>
    public static AccountCommand CommandFor(TransferState state, TransferStep step) => step switch
    {
        TransferStep.Debit => new DebitForTransfer(state.From, state.Id.StepCommandId("debit"), state.Id, state.To, state.Amount, state.Reference),
        TransferStep.Credit => new CreditFromTransfer(state.To, state.Id.StepCommandId("credit"), state.Id, state.From,
            state.Debited ?? throw new InvalidOperationException("Credit before debit."), state.Reference),
        TransferStep.Settle => new SettleTransfer(state.From, state.Id.StepCommandId("settle"), state.Id),
        TransferStep.SettleDestination => new SettleTransfer(state.To, state.Id.StepCommandId("settle-destination"), state.Id),
        TransferStep.Refund => new RefundTransfer(state.From, state.Id.StepCommandId("refund"), state.Id, state.FailureReason ?? "credit refused"),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "No command for this step."),
    };

    /// <summary>
    /// What the account's answer to <paramref name="step"/> means for the transfer.
    /// <paramref name="sourceCurrency"/> is the source account's currency (needed to record the debit).
    /// </summary>
    public static TransferDecision OnOutcome(TransferState state, TransferStep step, CommandOutcome outcome, Currency sourceCurrency, DateTimeOffset now)
    {
        if (step != state.NextStep)
        {
            return new TransferDecision(null, [], state); // a late answer to a step already recorded
        }
        TransferEvent @event = (step, outcome) switch
        {
            (TransferStep.Debit, CommandAccepted accepted) =>
                new SourceDebited(new Money(Money.Normalize(state.Amount, sourceCurrency), sourceCurrency), accepted.Version, now),
            (TransferStep.Debit, CommandDeclined declined) => new SourceDebitFailed(declined.Reason, declined.Detail, now),
            (TransferStep.Debit, CommandRejected rejected) => new SourceDebitFailed(rejected.Reason.ToString(), string.Join(" ", rejected.Errors), now),
            (TransferStep.Credit, CommandAccepted accepted) => new DestinationCredited(accepted.Version, now),
            (TransferStep.Credit, CommandRejected rejected) => new DestinationCreditFailed(rejected.Reason.ToString(), string.Join(" ", rejected.Errors), now),
            (TransferStep.Credit, CommandDeclined declined) => new DestinationCreditFailed(declined.Reason, declined.Detail, now),
            // A settle or refund is refused only when the transfer is no longer pending on the account,
            // i.e. an earlier attempt already took effect.
            (TransferStep.Settle, _) => new SourceSettled(VersionOf(outcome), now),
            (TransferStep.SettleDestination, _) => new DestinationSettled(VersionOf(outcome), now),
            (TransferStep.Refund, _) => new SourceRefunded(VersionOf(outcome), now),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), $"{outcome} for step {step}."),
        };
        return Accept(state, @event);
    }

    /// <summary>The source account could not be looked up as open: nothing was debited, the transfer fails.</summary>
    public static TransferDecision SourceUnavailable(TransferState state, RejectionReason reason, string detail, DateTimeOffset now) =>
        state.NextStep == TransferStep.Debit
            ? Accept(state, new SourceDebitFailed(reason.ToString(), detail, now))
            : new TransferDecision(null, [], state);

    public static TransferState Evolve(TransferState state, TransferEvent @event)
    {
        var (next, step, detail) = @event switch
        {
            TransferRequested requested => (state with
            {
                Status = TransferStatus.Pending,
                From = requested.From,
                To = requested.To,
                Amount = requested.Amount,
                Reference = requested.Reference,
                RequestId = requested.CommandId,
                RequestedAt = requested.OccurredAt,
            }, "requested", $"{requested.Amount} from {requested.From} to {requested.To}"),
            SourceDebited debited => (state with { Debited = debited.Amount }, "debited", $"{debited.Amount} taken from the source (version {debited.SourceVersion})"),
            SourceDebitFailed failed => (state with { Status = TransferStatus.Failed, FailureReason = failed.Reason, FailureDetail = failed.Detail },
                "debit-failed", failed.Detail),
            DestinationCredited credited => (state with { Credited = true }, "credited", $"destination credited (version {credited.DestinationVersion})"),
            DestinationCreditFailed failed => (state with { CreditFailed = true, FailureReason = failed.Reason, FailureDetail = failed.Detail },
                "credit-failed", failed.Detail),
            SourceRefunded refunded => (state with { Status = TransferStatus.Failed }, "refunded", $"source refunded (version {refunded.SourceVersion})"),
            SourceSettled settled => (state with { SourceSettled = true }, "settled", $"source settled (version {settled.SourceVersion})"),
            DestinationSettled settled => (state with { Status = TransferStatus.Completed }, "destination-settled",
                $"destination settled (version {settled.DestinationVersion})"),
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "Unknown transfer event."),
        };
        return next with
        {
            Version = state.Version + 1,
            UpdatedAt = @event.OccurredAt,
            Steps = state.Steps.Add(new TransferStepTaken(step, @event.OccurredAt, detail)),
        };
    }

    public static TransferState Replay(TransferId id, IEnumerable<TransferEvent> events) =>
        events.Aggregate(TransferState.Initial(id), Evolve);

    private static long VersionOf(CommandOutcome outcome) => outcome switch
    {
        CommandAccepted accepted => accepted.Version,
        CommandDeclined declined => declined.Version,
        CommandRejected rejected => rejected.CurrentVersion,
        _ => 0L,
    };

    private static TransferDecision Accept(TransferState state, TransferEvent @event) => new(null, [@event], Evolve(state, @event));

    private static TransferDecision Reject(TransferState state, RejectionReason reason, params string[] errors) =>
        new(new CommandRejected(reason, errors, state.Version), [], state);
}
