using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using BankAccounts.Actors.Telemetry;
using BankAccounts.Actors.Chain;
using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>
/// The process manager of one transfer: it receives the accounts' outcomes and dispatches the next command.
/// It records each step's result as an event before taking the next step, so after a crash,
/// restart, passivation or hand-off it resumes exactly where it was; every step is an idempotent
/// account command, so resending one after a lost answer moves money once. Its stream is a hash
/// chain like an account's (<see cref="EventChain"/>; no snapshots, so recovery always ends knowing the head).
/// </summary>
public sealed class TransferProcessActor : ReceivePersistentActor, IWithTimers
{
    private const string RetryTimer = "retry-step";
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _accounts;
    private readonly TransfersOptions _options;
    private readonly TimeProvider _clock;
    private readonly EventChain _chain;
    private TransferState _state;
    private Currency? _sourceCurrency;
    private TransferStep _inFlight = TransferStep.None;
    private int _attempt;
    private int _refusals;
    private System.Diagnostics.Activity? _stepTrace;

    public TransferProcessActor(string entityId, IActorRef accounts, TransfersOptions options, TimeProvider clock)
    {
        var id = TransferId.TryParse(entityId, out var parsed) ? parsed : throw new ArgumentException($"'{entityId}' is not a transfer id.", nameof(entityId));
        _accounts = accounts;
        _options = options;
        _clock = clock;
        _state = TransferState.Initial(id);
        PersistenceId = TransferPersistenceId.For(id);
        _chain = new EventChain(Context.System, PersistenceId, enabled: true);

        Recover<TransferEvent>(@event =>
        {
            _state = Transfer.Evolve(_state, @event);
            _chain.Follow(@event);
        });

        Command<RequestTransfer>(Handle);
        Command<TransferMessages.GetTransfer>(_ =>
        {
            Sender.Tell(_state);
            if (_state.Status == TransferStatus.NotRequested)
            {
                // Asked about a transfer nobody requested: stop now rather than at the idle timeout.
                Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(TransferMessages.StopTransfer.Instance));
            }
        });
        // A wake-up (the stalled-transfer sweep) never cuts a back-off short: the retry timer decides when.
        Command<TransferMessages.ResumeTransfer>(_ =>
        {
            if (!Timers.IsTimerActive(RetryTimer))
            {
                TakeNextStep();
            }
        });
        Command<TransferMessages.StopTransfer>(_ => Context.Stop(Self));
        Command<SourceLookedUp>(OnSourceLookedUp);
        Command<StepAnswered>(OnStepAnswered);
        Command<StepUnanswered>(OnStepUnanswered);
        Command<RetryStep>(_ => TakeNextStep());
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string entityId, IActorRef accounts, TransfersOptions options, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new TransferProcessActor(entityId, accounts, options, clock));

    protected override void OnReplaySuccess() => TakeNextStep();

    private void Handle(RequestTransfer request)
    {
        var decision = Transfer.Request(_state, request, _clock.GetUtcNow());
        if (decision.Rejection is not null)
        {
            Sender.Tell(decision.Rejection);
            return;
        }
        var replyTo = Sender;
        PersistThen(decision, () =>
        {
            replyTo.Tell(_state);
            TakeNextStep();
        });
    }

    /// <summary>Sends the command of the next step, unless one is already waiting for its answer.</summary>
    private void TakeNextStep()
    {
        var step = _state.NextStep;
        if (step == TransferStep.None || _inFlight != TransferStep.None)
        {
            return;
        }
        _inFlight = step;
        _stepTrace = TransferTelemetry.StartStep(_state, step);
        var timeout = _options.StepTimeout;
        _sourceCurrency ??= _state.Debited?.Currency;
        if (_sourceCurrency is null)
        {
            // The debit is recorded with the source's currency, which the credit must match.
            _accounts.Ask<AccountView>(new AccountMessages.GetAccountView(_state.From), timeout).PipeTo(
                Self, success: view => new SourceLookedUp(step, view), failure: e => new StepUnanswered(step, e));
            return;
        }
        _accounts.Ask<CommandOutcome>(TransferTelemetry.Traced(Transfer.CommandFor(_state, step), _stepTrace), timeout).PipeTo(
            Self, success: outcome => new StepAnswered(step, outcome), failure: e => new StepUnanswered(step, e));
    }

    private void OnSourceLookedUp(SourceLookedUp lookedUp)
    {
        _inFlight = TransferStep.None;
        _stepTrace = TransferTelemetry.EndStep(_stepTrace, "source_looked_up");
        var decision = Transfer.SourceLookedUp(_state, lookedUp.Source, _clock.GetUtcNow());
        if (decision.Events.Count == 0)
        {
            _sourceCurrency = lookedUp.Source.Currency;
        }
        PersistThen(decision, TakeNextStep);
    }

    private void OnStepAnswered(StepAnswered answered)
    {
        _inFlight = TransferStep.None;
        _stepTrace = TransferTelemetry.EndStep(_stepTrace, AccountTelemetry.OutcomeName(answered.Outcome));
        var now = _clock.GetUtcNow();
        var decision = Transfer.OnOutcome(_state, answered.Step, answered.Outcome, _sourceCurrency!, now);
        if (decision.Refused is { } refusal)
        {
            // Never counted as done: retried, and surfaced as stuck once it is clearly not going to pass.
            if (++_refusals >= _options.MaxStepRefusals)
            {
                _log.Error("Transfer {0}: step {1} refused {2} times ({3}); the transfer is stuck and needs attention.",
                    _state.Id, answered.Step, _refusals, refusal);
                PersistThen(Transfer.GiveUp(_state, answered.Step, refusal, now), TakeNextStep);
                return;
            }
            RetryLater(answered.Step, $"refused: {refusal}");
            return;
        }
        _attempt = 0;
        _refusals = 0;
        PersistThen(decision, TakeNextStep);
    }

    private void OnStepUnanswered(StepUnanswered unanswered)
    {
        _inFlight = TransferStep.None;
        _stepTrace = TransferTelemetry.EndStep(_stepTrace, "unanswered");
        RetryLater(unanswered.Step, $"no answer ({unanswered.Cause.GetType().Name})");
    }

    private void RetryLater(TransferStep step, string why)
    {
        var delay = Backoff(_options.MinRetryDelay, _options.MaxRetryDelay, _attempt);
        _attempt++;
        _log.Warning("Transfer {0}: step {1} {2}; retry #{3} in {4}.", _state.Id, step, why, _attempt, delay);
        Timers.StartSingleTimer(RetryTimer, RetryStep.Instance, delay);
    }

    private void PersistThen(TransferDecision decision, Action then)
    {
        if (decision.Events.Count == 0)
        {
            then();
            return;
        }
        var events = _chain.Seal(decision.Events);
        var remaining = events.Count;
        PersistAll(events, @event =>
        {
            _state = Transfer.Evolve(_state, @event);
            if (--remaining == 0)
            {
                then();
            }
        });
    }

    private sealed record SourceLookedUp(TransferStep Step, AccountView Source);

    private sealed record StepAnswered(TransferStep Step, CommandOutcome Outcome);

    private sealed record StepUnanswered(TransferStep Step, Exception Cause);

    private sealed record RetryStep
    {
        public static readonly RetryStep Instance = new();
    }

    /// <summary>The exponent stops here: 2^20 times any sensible minimum is past any sensible maximum, and the shift cannot overflow.</summary>
    private const int MaxDoublings = 20;

    /// <summary>Exponential back-off: <paramref name="min"/> doubled per attempt, at most <paramref name="max"/>.</summary>
    internal static TimeSpan Backoff(TimeSpan min, TimeSpan max, int attempt) =>
        TimeSpan.FromTicks(Math.Min(max.Ticks, min.Ticks * (1L << Math.Min(attempt, MaxDoublings))));

}

/// <summary>One process stream per transfer: <c>transfer-{id}</c>.</summary>
public static class TransferPersistenceId
{
    public const string Prefix = "transfer-";

    public static string For(TransferId id) => Prefix + id;

    public static bool TryParse(string persistenceId, out TransferId id)
    {
        if (persistenceId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return TransferId.TryParse(persistenceId[Prefix.Length..], out id);
        }
        id = default;
        return false;
    }
}
