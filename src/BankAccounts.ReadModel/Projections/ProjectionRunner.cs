using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.ReadModel.Storage;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Runs one projection as a stream: stored offset → tagged events → batches → transactional writes.
/// A batch that fails is written again event by event: an event that keeps failing while the database answers is
/// parked with the rest of its stream (or, with the stop policy, stops this projection), and every other stream goes
/// on. A failure of the database itself restarts the stream with back-off from the stored offset: never skipped.
/// Periodically it reconciles its streams' versions with the journal, to repair a stream whose last event the read
/// journal passed over.
/// </summary>
internal sealed class ProjectionRunner : ReceiveActor, IWithTimers
{
    private readonly ProjectionWriter _writer;
    private readonly JournalStreamHeads _heads;
    private readonly ReadModelOptions _options;
    private readonly ProjectionFailurePolicy _policy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private UniqueKillSwitch? _killSwitch;
    private Task<Done>? _completion;
    private Task _lastWrite = Task.CompletedTask;
    private string _reconcileAfter = string.Empty;
    private bool _stopped;

    public ProjectionRunner(ProjectionWriter writer, JournalStreamHeads heads, ReadModelOptions options)
    {
        _writer = writer;
        _heads = heads;
        _options = options;
        _policy = options.FailurePolicy.For(writer.Projection.Name);
        var name = writer.Projection.Name;

        ReceiveAsync<Start>(async _ => await StartUnlessStoppedAsync());
        ReceiveAsync<ProjectionSupervisor.Rebuild>(async _ =>
        {
            var replyTo = Sender;
            await StopStreamAsync();
            await _writer.ResetAsync();
            _log.Info("Projection {0} reset; rebuilding from offset 0.", name);
            await StartUnlessStoppedAsync();
            replyTo.Tell(new Status.Success(Done.Instance));
        });
        ReceiveAsync<ProjectionSupervisor.RetryParkedStream>(async retry =>
        {
            var replyTo = Sender;
            try
            {
                var outcome = await _writer.RetryAsync(retry.PersistenceId);
                _log.Info("Projection {0}: retry of parked stream {1}: {2}.", name, retry.PersistenceId, outcome?.ToString() ?? "nothing parked");
                await ResumeIfStoppedAsync();
                replyTo.Tell(new ProjectionSupervisor.RetryResult(outcome));
            }
            catch (Exception e)
            {
                // The journal or the read model did not answer: the asker hears it now, not after its timeout.
                _log.Warning(e, "Projection {0}: retry of parked stream {1} could not run.", name, retry.PersistenceId);
                replyTo.Tell(new Status.Failure(e));
            }
        });
        ReceiveAsync<ProjectionSupervisor.SkipParkedEvent>(async skip =>
        {
            var replyTo = Sender;
            try
            {
                var skipped = await _writer.SkipAsync(skip.PersistenceId, skip.Version, skip.Reason, skip.SkippedBy);
                if (skipped is not null)
                {
                    _log.Warning("Projection {0}: {1} skipped {2} #{3}: {4}", name, skip.SkippedBy, skip.PersistenceId, skip.Version, skip.Reason);
                }
                await ResumeIfStoppedAsync();
                replyTo.Tell(new ProjectionSupervisor.SkipResult(skipped is not null));
            }
            catch (Exception e)
            {
                _log.Warning(e, "Projection {0}: skipping {1} #{2} could not run.", name, skip.PersistenceId, skip.Version);
                replyTo.Tell(new Status.Failure(e));
            }
        });
        ReceiveAsync<Reconcile>(async _ => await ReconcileAsync());
        Receive<Stopped>(stopped =>
        {
            _stopped = true;
            _log.Error(stopped.Cause, "Projection {0} stopped (policy stop); retry or skip the parked event to resume.", name);
        });
        ReceiveAsync<StopAfterInFlightWrite>(async _ =>
        {
            await StopStreamAsync();
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProjectionWriter writer, JournalStreamHeads heads, ReadModelOptions options) =>
        Akka.Actor.Props.Create(() => new ProjectionRunner(writer, heads, options));

    protected override void PreStart()
    {
        Self.Tell(Start.Instance);
        Timers.StartPeriodicTimer(nameof(Reconcile), Reconcile.Instance, _options.ReconcileInterval);
    }

    protected override void PostStop() => _killSwitch?.Shutdown();

    private async Task StartUnlessStoppedAsync()
    {
        _stopped = await _writer.IsStoppedAsync(_policy);
        if (_stopped)
        {
            _log.Warning("Projection {0} is stopped at a parked event (policy stop); retry or skip it to resume.", _writer.Projection.Name);
            return;
        }
        StartStream();
    }

    private async Task ResumeIfStoppedAsync()
    {
        if (_stopped && !await _writer.IsStoppedAsync(_policy))
        {
            await StopStreamAsync();
            _log.Info("Projection {0} resumes.", _writer.Projection.Name);
            await StartUnlessStoppedAsync();
        }
    }

    private void StartStream()
    {
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var projection = _writer.Projection;
        var log = _log;
        var self = Self;
        var restart = RestartSettings.Create(_options.MinRetryBackoff, _options.MaxRetryBackoff, randomFactor: 0.2);

        var source = RestartSource.OnFailuresWithBackoff(() =>
            Source.FromTask(_writer.ReadOffsetAsync())
                .ConcatMany(offset => journal.EventsByTag(projection.Streams.Tag, Offset.Sequence(offset)))
                .Select(ProjectedEvent.From)
                .GroupedWithin(_options.BatchSize, _options.BatchWindow)
                .SelectAsync(1, batch =>
                {
                    var write = WriteAsync(batch.ToList(), log, self);
                    Volatile.Write(ref _lastWrite, write);
                    return write;
                })
                .TakeWhile(goOn => goOn), restart);

        (_killSwitch, _completion) = source
            .ViaMaterialized(KillSwitches.Single<bool>(), Keep.Right)
            .ToMaterialized(Sink.Ignore<bool>(), Keep.Both)
            .Run(Context.Materializer());
    }

    /// <summary>Writes a batch; false when the projection stopped (stop policy), which ends the stream without a restart.</summary>
    private async Task<bool> WriteAsync(List<ProjectedEvent> events, ILoggingAdapter log, IActorRef self)
    {
        var name = _writer.Projection.Name;
        try
        {
            await _writer.WriteAsync(events);
            return true;
        }
        catch (Exception e)
        {
            log.Warning("Projection {0} failed to apply offsets {1}..{2} ({3}); applying them one by one.",
                name, events[0].Offset, events[^1].Offset, e.Message);
        }
        try
        {
            await _writer.WriteIsolatingFailuresAsync(events, _options.PoisonEventAttempts, Backoff, _policy);
            return true;
        }
        catch (ProjectionStoppedException stopped)
        {
            self.Tell(new Stopped(stopped));
            return false;
        }
        catch (Exception e)
        {
            log.Error(e, "Projection {0} failed to apply offsets {1}..{2} and its database does not answer; retrying from its stored offset.",
                name, events[0].Offset, events[^1].Offset);
            throw;
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.MinRetryBackoff * Math.Pow(2, Math.Min(attempt - 1, 20));
        return delay < _options.MaxRetryBackoff ? delay : _options.MaxRetryBackoff;
    }

    /// <summary>One bounded pass: the next page of streams (by persistence id), compared with what the projection applied.</summary>
    private async Task ReconcileAsync()
    {
        var projection = _writer.Projection;
        try
        {
            var watch = Stopwatch.StartNew();
            var page = await _heads.PageAsync(projection.Streams.Prefix, _reconcileAfter, _options.ReconcileStreams, CancellationToken.None);
            var repaired = await _writer.RepairAsync(page);
            _reconcileAfter = page.Count < _options.ReconcileStreams ? string.Empty : page[^1].PersistenceId;
            if (repaired > 0)
            {
                _log.Warning("Projection {0}: reconciliation repaired {1} events the read journal had passed over ({2} streams compared in {3} ms).",
                    projection.Name, repaired, page.Count, watch.ElapsedMilliseconds);
            }
            else
            {
                _log.Debug("Projection {0}: reconciled {1} streams in {2} ms.", projection.Name, page.Count, watch.ElapsedMilliseconds);
            }
        }
        catch (Exception e)
        {
            _log.Warning("Projection {0}: reconciliation failed ({1}); the next pass tries again.", projection.Name, e.Message);
        }
    }

    /// <summary>Stops the stream and waits for the batch it was writing, so no write of this runner outlives it.</summary>
    private async Task StopStreamAsync()
    {
        _killSwitch?.Shutdown();
        if (_completion is not null)
        {
            await _completion;
        }
        try
        {
            await Volatile.Read(ref _lastWrite);
        }
        catch (Exception)
        {
            // Already logged by the stream; the stored offset is what the next start resumes from.
        }
    }

    /// <summary>Finish the batch being written, then stop (singleton hand-over).</summary>
    public sealed record StopAfterInFlightWrite
    {
        public static readonly StopAfterInFlightWrite Instance = new();
    }

    /// <summary>Runs one reconciliation pass (the timer sends it; tests may too).</summary>
    public sealed record Reconcile
    {
        public static readonly Reconcile Instance = new();
    }

    private sealed record Start
    {
        public static readonly Start Instance = new();
    }

    private sealed record Stopped(ProjectionStoppedException Cause);
}
