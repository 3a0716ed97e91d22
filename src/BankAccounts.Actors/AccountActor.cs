using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using BankAccounts.Actors.Telemetry;
using Akka.Streams;
using BankAccounts.Actors.Chain;
using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>
/// One bank account as a persistent, sharded entity. It holds no business rule: it recovers its
/// state, asks <see cref="Account.Decide"/>, persists the events, answers, snapshots.
/// </summary>
/// <remarks>
/// Commands are decided against the in-memory state while earlier writes are still in flight
/// (<c>PersistAllAsync</c>), so a busy account batches its writes instead of waiting for each one.
/// Nothing is answered before it is durable: outcomes of commands that persist nothing are
/// deferred behind the pending writes, and a failed or rejected write stops the entity so it
/// recovers the truth from the journal (callers then retry with the same command id).
/// Every event is sealed into the stream's hash chain (<see cref="EventChain"/>) before it is persisted;
/// the state carries the chain's head (<see cref="AccountState.ChainHead"/>), and so do snapshots.
/// </remarks>
public sealed class AccountActor : ReceivePersistentActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AccountsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ICommandHistory _history;
    private readonly ActorSystem _system = Context.System;
    private readonly EventChain _chain;
    private JournalCommandIndex? _journalIndex;
    private AccountState _state;
    private AccountState _confirmedState;
    private long _confirmedSequenceNr;
    private long _lastSnapshotSequenceNr;
    private bool _savingSnapshot;
    private readonly long _recoveryStartedAt = AccountTelemetry.RecoveryStarted();

    public AccountActor(string entityId, AccountsOptions options, TimeProvider clock, ICommandHistory history)
    {
        var id = AccountId.TryParse(entityId, out var parsed) ? parsed : throw new ArgumentException($"'{entityId}' is not an account id.", nameof(entityId));
        _options = options;
        _clock = clock;
        _history = history;
        _state = AccountState.Initial(id);
        _confirmedState = _state;
        PersistenceId = AccountPersistenceId.For(id);
        _chain = new EventChain(Context.System, PersistenceId, options.ChainEvents);

        Recover<SnapshotOffer>(offer =>
        {
            _state = (AccountState)offer.Snapshot;
            _lastSnapshotSequenceNr = offer.Metadata.SequenceNr;
            _chain.StartFrom(_state.ChainHead);
        });
        Recover<AccountEvent>(@event =>
        {
            _state = Account.Evolve(_state, @event);
            _chain.Follow(@event);
        });
        Recover<RecoveryCompleted>(_ =>
        {
            AccountTelemetry.Recovered(_recoveryStartedAt);
            if (_chain.IsReady)
            {
                _state = _state with { ChainHead = _chain.Head };
                Confirmed(_state);
                return;
            }
            LearnChainHead();
        });

        Command<AccountCommand>(Handle);
        Command<AccountMessages.GetAccountView>(_ => AnswerQuery(AccountView.Of(_state)));
        Command<AccountMessages.GetAccountState>(_ => AnswerQuery(_state));
        Command<AccountMessages.StopAccount>(_ => DeferAsync(AccountMessages.StopAccount.Instance, _ =>
        {
            AccountTelemetry.Passivated("account");
            Context.Stop(Self);
        }));
        Command<SaveSnapshotSuccess>(saved =>
        {
            _savingSnapshot = false;
            AccountTelemetry.SnapshotSaved(succeeded: true);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
            SnapshotIfDue(); // events confirmed while this save was running may already make the next one due
        });
        Command<SaveSnapshotFailure>(failed =>
        {
            _savingSnapshot = false;
            AccountTelemetry.SnapshotSaved(succeeded: false);
            _log.Warning(failed.Cause, "Snapshot of {0} at {1} failed; recovery replays more events until the next one.", PersistenceId, failed.Metadata.SequenceNr);
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning(failed.Cause, "Pruning old snapshots of {0} failed.", PersistenceId));
    }

    public override string PersistenceId { get; }

    public static Akka.Actor.Props Props(string entityId, AccountsOptions options, TimeProvider clock, ICommandHistory history) =>
        Akka.Actor.Props.Create(() => new AccountActor(entityId, options, clock, history));

    private void Handle(AccountCommand command)
    {
        if (Account.Precheck(_state, command) is { } refused)
        {
            AccountTelemetry.Refused(command, refused.Outcome);
            AnswerWhenDurable(refused.Outcome);
            PassivateIfNeverOpened();
            return;
        }
        if (Account.NeedsHistoryLookup(_state, command))
        {
            LookUpThenDecide(command);
            return;
        }
        Decide(command, remembered: null, Sender);
    }

    /// <summary>
    /// The window no longer holds the command's id: ask the command history, holding every other
    /// message back meanwhile so commands are still decided one at a time, in order.
    /// </summary>
    private void LookUpThenDecide(AccountCommand command)
    {
        var replyTo = Sender;
        BecomeStacked(() =>
        {
            Command<HistoryAnswered>(answered =>
            {
                UnbecomeStacked();
                Stash.UnstashAll();
                Decide(answered.Command, answered.Remembered, answered.ReplyTo);
            });
            Command<HistoryFailed>(failed =>
            {
                // Unanswered, the caller's ask times out and is repeated with the same command id.
                _log.Warning(failed.Cause, "Command history lookup for {0} on {1} failed; the command is not decided.", failed.Command.CommandId, PersistenceId);
                UnbecomeStacked();
                Stash.UnstashAll();
            });
            CommandAny(_ => Stash.Stash());
        });
        // Once the writes in flight are durable, every version the window forgot is in the journal.
        DeferAsync(command, _ => FindInHistoryAsync(_state.Id, command.CommandId, ForgottenThrough(_state)).PipeTo(
            Self, success: remembered => new HistoryAnswered(command, remembered, replyTo), failure: e => new HistoryFailed(command, e)));
    }

    /// <summary>The version through which the idempotency window forgot commands (an account never opened forgot none).</summary>
    private static long ForgottenThrough(AccountState state) => state is AccountState.Opened account ? account.RecentCommands.ForgottenThrough : 0L;

    /// <summary>The indexed history first; the journal itself for the versions that one has not reached.</summary>
    private async Task<ProcessedCommand?> FindInHistoryAsync(AccountId id, CommandId commandId, long forgottenThrough)
    {
        HistoryAnswer answer;
        try
        {
            answer = await _history.FindAsync(id, commandId, forgottenThrough, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The indexed history is unavailable (its database is down): the journal alone answers.
            _log.Warning(e, "Command history unavailable for {0}; reading the journal instead.", PersistenceId);
            answer = new HistoryAnswer(0L, null);
        }
        if (answer.Command is not null || answer.CheckedThrough >= forgottenThrough)
        {
            return answer.Command;
        }
        _journalIndex ??= new JournalCommandIndex(_system, id);
        return await _journalIndex.FindAsync(commandId, answer.CheckedThrough + 1, forgottenThrough);
    }

    private void Decide(AccountCommand command, ProcessedCommand? remembered, IActorRef replyTo)
    {
        var trace = AccountTelemetry.StartDecide(command, PersistenceId);
        var decision = Account.Decide(_state, command, _clock.GetUtcNow(), remembered);
        if (decision.Events.Count == 0)
        {
            trace.Answered(decision.Outcome);
            DeferAsync(decision.Outcome, outcome => replyTo.Tell(outcome));
            PassivateIfNeverOpened();
            return;
        }

        var events = _chain.Seal(decision.Events);
        var newState = decision.NewState with { ChainHead = _chain.Head };
        _state = newState;
        var pending = events.Count;
        trace.Persisting(pending);
        PersistAllAsync(events, _ =>
        {
            if (--pending > 0)
            {
                return;
            }
            Confirmed(newState);
            replyTo.Tell(decision.Outcome);
            trace.Answered(decision.Outcome);
            SnapshotIfDue();
        });
    }

    /// <summary>
    /// The stream ends at a snapshot written before the chain existed, so no replayed event told the
    /// head: read the last stored event's hash from the journal before deciding anything (messages wait).
    /// </summary>
    private void LearnChainHead()
    {
        BecomeStacked(() =>
        {
            Command<ChainHeadLearned>(learned =>
            {
                _chain.Learn(learned.Head);
                _state = _state with { ChainHead = learned.Head };
                Confirmed(_state);
                UnbecomeStacked();
                Stash.UnstashAll();
            });
            Command<Status.Failure>(failed =>
            {
                // Unanswered callers retry; the next incarnation tries again.
                _log.Warning(failed.Cause, "Could not read the chain head of {0}; stopping.", PersistenceId);
                Context.Stop(Self);
            });
            CommandAny(_ => Stash.Stash());
        });
        new JournalChains(Context.System, Context.Materializer()).StoredHashAtAsync(PersistenceId, LastSequenceNr).PipeTo(Self, success: head => new ChainHeadLearned(head));
    }

    private sealed record ChainHeadLearned(string Head);

    /// <summary>
    /// An account nobody opened stops right after answering: a flood of commands or queries for
    /// random ids then costs a recovery each, never an entity living until the idle timeout.
    /// </summary>
    private void PassivateIfNeverOpened()
    {
        if (_state is AccountState.NotOpened && LastSequenceNr == 0)
        {
            Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(AccountMessages.StopAccount.Instance));
        }
    }

    private sealed record HistoryAnswered(AccountCommand Command, ProcessedCommand? Remembered, IActorRef ReplyTo);

    private sealed record HistoryFailed(AccountCommand Command, Exception Cause);

    private void AnswerQuery(object answer)
    {
        AnswerWhenDurable(answer);
        PassivateIfNeverOpened();
    }

    /// <summary>Answers after every write already in flight has been confirmed.</summary>
    private void AnswerWhenDurable(object answer)
    {
        var replyTo = Sender;
        DeferAsync(answer, a => replyTo.Tell(a));
    }

    /// <summary>Remembers the state after the last event of a decision, once the journal confirmed it (later ones may still be in flight).</summary>
    private void Confirmed(AccountState state)
    {
        _confirmedState = state;
        _confirmedSequenceNr = LastSequenceNr;
    }

    /// <remarks>
    /// One save at a time: were an older save to finish after a newer one, the newer one's pruning
    /// would already have run and the older snapshot would linger. A save due while another runs
    /// starts when that one succeeds. The snapshot is taken at <see cref="Eventsourced.LastSequenceNr"/>,
    /// so only when that is the end of a decision, whose state is known.
    /// </remarks>
    private void SnapshotIfDue()
    {
        if (_savingSnapshot
            || LastSequenceNr != _confirmedSequenceNr
            || _confirmedSequenceNr - _lastSnapshotSequenceNr < _options.SnapshotEvery)
        {
            return;
        }
        SaveSnapshot(_confirmedState);
        _savingSnapshot = true;
        _lastSnapshotSequenceNr = _confirmedSequenceNr;
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        // The in-memory state already includes this event: start over from the journal.
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }
}
