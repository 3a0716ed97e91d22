using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.TransferEvents;

namespace BankAccounts.Domain;

/// <summary>A request to move money between two accounts of the same currency.</summary>
public sealed record RequestTransfer(TransferId TransferId, AccountId From, AccountId To, decimal Amount, string? Reference, CommandId CommandId)
{
    public Security.Principal Principal { get; init; } = Security.Principal.Anonymous;

    public string? TraceParent { get; init; }
}

/// <summary>The result of a transfer decision: a rejection (nothing persisted) or the events to persist.</summary>
/// <param name="Refused">
/// The account refused a settle or refund for a reason other than "already applied": nothing is
/// recorded, the step is retried, and after too many refusals <see cref="Transfer.GiveUp"/> surfaces it.
/// </param>
public sealed record TransferDecision(CommandRejected? Rejection, IReadOnlyList<TransferEvent> Events, TransferState NewState, CommandOutcome? Refused = null);

/// <summary>
/// The transfer process manager's rules, pure. A transfer debits the source, then credits the
/// destination, then settles the source and then the destination; if the credit is refused, it
/// refunds the source instead.
/// Each step is an account command with an id derived from the transfer id and the step, so a
/// retried step is recognised by the account and applied once.
/// </summary>
public static class Transfer
{
    public const string DebitStep = "debit";
    public const string CreditStep = "credit";
    public const string SettleStep = "settle";
    public const string SettleDestinationStep = "settle-destination";
    public const string RefundStep = "refund";

    public static TransferDecision Request(TransferState state, RequestTransfer request, DateTimeOffset now)
    {
        var reference = string.IsNullOrWhiteSpace(request.Reference) ? null : request.Reference.Trim();
        if (request.TransferId != state.Id)
        {
            return Reject(state, RejectionReason.InvalidCommand, $"Request for transfer {request.TransferId} sent to transfer {state.Id}.");
        }
        if (Security.AccountAccess.CheckTransferRequest(request.Principal) != Security.AccessVerdict.Allowed)
        {
            return Reject(state, RejectionReason.Forbidden, $"A {request.Principal.RoleName()} may not send transfers.");
        }
        if (state.Status != TransferStatus.NotRequested)
        {
            var same = (state.From, state.To, state.Amount, state.Reference, state.Origin.CausedBy.Subject)
                == (request.From, request.To, request.Amount, reference, request.Principal.Subject);
            return same
                ? new TransferDecision(null, [], state)
                : Reject(state, RejectionReason.CommandIdReused, $"Transfer {state.Id} was already requested with different details.");
        }
        var errors = new List<FieldError>(FieldRules.PositiveAmountShape(request.Amount));
        errors.AddRange(FieldRules.DistinctAccounts(request.From.Value, request.To.Value));
        errors.AddRange(FieldRules.Reference(reference));
        if (errors.Count > 0)
        {
            return Reject(state, RejectionReason.InvalidCommand, [.. errors]);
        }
        var requested = new TransferRequested(request.TransferId, request.From, request.To, request.Amount, reference, request.CommandId, now)
        {
            Metadata = new EventMetadata(request.Principal, request.TraceParent),
        };
        return new(null, [requested], Evolve(state, requested));
    }

    /// <summary>The account command that performs <paramref name="step"/>; resending it is always safe.</summary>
    /// <remarks>Every step acts for the transfer's requester, in the request's trace.</remarks>
    public static AccountCommand CommandFor(TransferState state, TransferStep step)
    {
        AccountCommand command = step switch
        {
            TransferStep.Debit => new DebitForTransfer(state.From, state.Id.StepCommandId(DebitStep), state.Id, state.To, state.Amount, state.Reference),
            TransferStep.Credit => new CreditFromTransfer(state.To, state.Id.StepCommandId(CreditStep), state.Id, state.From,
                state.Debited ?? throw new InvalidOperationException("Credit before debit."), state.Reference),
            TransferStep.Settle => new SettleTransfer(state.From, state.Id.StepCommandId(SettleStep), state.Id),
            TransferStep.SettleDestination => new SettleTransfer(state.To, state.Id.StepCommandId(SettleDestinationStep), state.Id),
            TransferStep.Refund => new RefundTransfer(state.From, state.Id.StepCommandId(RefundStep), state.Id, state.FailureReason ?? "credit refused"),
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, "No command for this step."),
        };
        return command with { Principal = state.Origin.CausedBy, TraceParent = state.Origin.TraceParent };
    }

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
        TransferEvent? @event = (step, outcome) switch
        {
            (TransferStep.Debit, CommandAccepted accepted) =>
                new SourceDebited(new Money(Money.Normalize(state.Amount, sourceCurrency), sourceCurrency), accepted.Version, now),
            (TransferStep.Debit, CommandDeclined declined) => new SourceDebitFailed(declined.Reason.ToString(), declined.Detail, now),
            (TransferStep.Debit, CommandRejected rejected) => new SourceDebitFailed(rejected.Reason.ToString(), rejected.Describe(), now),
            (TransferStep.Credit, CommandAccepted accepted) => new DestinationCredited(accepted.Version, now),
            (TransferStep.Credit, CommandRejected rejected) => new DestinationCreditFailed(rejected.Reason.ToString(), rejected.Describe(), now),
            (TransferStep.Credit, CommandDeclined declined) => new DestinationCreditFailed(declined.Reason.ToString(), declined.Detail, now),
            // An earlier attempt that already took effect is answered with its original outcome (the
            // account remembers the step's id), so only an acceptance counts as done.
            (TransferStep.Settle, CommandAccepted accepted) => new SourceSettled(accepted.Version, now),
            (TransferStep.SettleDestination, CommandAccepted accepted) => new DestinationSettled(accepted.Version, now),
            (TransferStep.Refund, CommandAccepted accepted) => new SourceRefunded(accepted.Version, now),
            (TransferStep.Settle or TransferStep.SettleDestination or TransferStep.Refund, _) => null,
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), $"{outcome} for step {step}."),
        };
        return @event is null ? new TransferDecision(null, [], state, Refused: outcome) : Accept(state, @event);
    }

    /// <summary>A settle or refund refused again and again: the transfer is stuck and says why, it never counts as done.</summary>
    public static TransferDecision GiveUp(TransferState state, TransferStep step, CommandOutcome refusal, DateTimeOffset now)
    {
        if (step != state.NextStep)
        {
            return new TransferDecision(null, [], state);
        }
        var (reason, detail) = refusal switch
        {
            CommandRejected rejected => (rejected.Reason.ToString(), rejected.Describe()),
            CommandDeclined declined => (declined.Reason.ToString(), declined.Detail),
            _ => ("Unknown", refusal.ToString()),
        };
        return Accept(state, new TransferStuck(step, reason, $"The {StepName(step)} step was refused: {detail}", now));
    }

    private static string StepName(TransferStep step) => step switch
    {
        TransferStep.Debit => DebitStep,
        TransferStep.Credit => CreditStep,
        TransferStep.Settle => SettleStep,
        TransferStep.SettleDestination => SettleDestinationStep,
        TransferStep.Refund => RefundStep,
        _ => step.ToString(),
    };

    /// <summary>
    /// Whether the source, looked up before the debit, is able to pay: only an open account is (an account a
    /// transfer already debited cannot be closed while that transfer is pending, so a debited source is open).
    /// No events when it is: the debit goes ahead in <paramref name="source"/>'s currency. Otherwise nothing was
    /// debited and the transfer fails: the source does not exist, or it is closed.
    /// </summary>
    public static TransferDecision SourceLookedUp(TransferState state, AccountView source, DateTimeOffset now) => source.Status switch
    {
        AccountStatus.Open => new TransferDecision(null, [], state),
        AccountStatus.NotOpened => SourceUnavailable(state, RejectionReason.AccountNotFound, $"Source account {state.From} does not exist.", now),
        _ => SourceUnavailable(state, RejectionReason.AccountClosed, $"Source account {state.From} is closed.", now),
    };

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
                Origin = requested.Metadata,
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
            TransferStuck stuck => (state with { Status = TransferStatus.Stuck, FailureReason = stuck.Reason, FailureDetail = stuck.Detail },
                "stuck", stuck.Detail),
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

    /// <summary>Every event after the request is recorded on behalf of the requester.</summary>
    private static TransferDecision Accept(TransferState state, TransferEvent @event)
    {
        var attributed = @event with { Metadata = state.Origin };
        return new(null, [attributed], Evolve(state, attributed));
    }

    private static TransferDecision Reject(TransferState state, RejectionReason reason, params FieldError[] errors) =>
        new(new CommandRejected(reason, errors, state.Version), [], state);

    private static TransferDecision Reject(TransferState state, RejectionReason reason, string message) =>
        Reject(state, reason, FieldError.General(Account.CodeOf(reason), message));
}
