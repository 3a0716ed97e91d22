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
/// Any failure (database down, bad event) restarts the stream with back-off from the offset stored
/// in the read model, so a failing write is retried, never skipped.
/// </summary>
internal sealed class ProjectionRunner : ReceiveActor
{
    private readonly IProjection _projection;
    private readonly ProjectionWriter _writer;
    private readonly ReadModelOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private UniqueKillSwitch? _killSwitch;
    private Task<Done>? _completion;
    private Task _lastWrite = Task.CompletedTask;

    public ProjectionRunner(IProjection projection, ProjectionWriter writer, ReadModelOptions options)
    {
        _projection = projection;
        _writer = writer;
        _options = options;

        ReceiveAsync<ProjectionSupervisor.Rebuild>(async _ =>
        {
            var replyTo = Sender;
            await StopStreamAsync();
            await _writer.ResetAsync(_projection);
            _log.Info("Projection {0} reset; rebuilding from offset 0.", _projection.Name);
            StartStream();
            replyTo.Tell(new Status.Success(Done.Instance));
        });
        ReceiveAsync<StopAfterInFlightWrite>(async _ =>
        {
            await StopStreamAsync();
            Context.Stop(Self);
        });
    }

    public static Props Props(IProjection projection, ProjectionWriter writer, ReadModelOptions options) =>
        Akka.Actor.Props.Create(() => new ProjectionRunner(projection, writer, options));

    protected override void PreStart() => StartStream();

    protected override void PostStop() => _killSwitch?.Shutdown();

    private void StartStream()
    {
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var name = _projection.Name;
        var log = _log;
        var restart = RestartSettings.Create(_options.MinRetryBackoff, _options.MaxRetryBackoff, randomFactor: 0.2);

        var source = RestartSource.OnFailuresWithBackoff(() =>
            Source.FromTask(_writer.ReadOffsetAsync(name))
                .ConcatMany(offset => journal.EventsByTag(_projection.Tag, Offset.Sequence(offset)))
                .Select(ToProjectedEvent)
                .GroupedWithin(_options.BatchSize, _options.BatchWindow)
                .SelectAsync(1, async batch =>
                {
                    var events = batch.ToList();
                    try
                    {
                        var write = _writer.WriteAsync(_projection, events);
                        Volatile.Write(ref _lastWrite, write);
                        await write;
                        return events.Count;
                    }
                    catch (Exception e)
                    {
                        log.Error(e, "Projection {0} failed to apply offsets {1}..{2}; retrying from its stored offset.",
                            name, events[0].Offset, events[^1].Offset);
                        throw;
                    }
                }), restart);

        (_killSwitch, _completion) = source
            .ViaMaterialized(KillSwitches.Single<int>(), Keep.Right)
            .ToMaterialized(Sink.Ignore<int>(), Keep.Both)
            .Run(Context.Materializer());
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

    private static ProjectedEvent ToProjectedEvent(EventEnvelope envelope) =>
        envelope.Offset is Sequence sequence && envelope.Event is not null
            ? new ProjectedEvent(sequence.Value, envelope.PersistenceId, envelope.SequenceNr, envelope.Event)
            : throw new InvalidOperationException($"Unexpected entry in the feed: {envelope.PersistenceId} #{envelope.SequenceNr}.");
}
