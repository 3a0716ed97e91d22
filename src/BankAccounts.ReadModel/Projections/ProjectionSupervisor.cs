using Akka.Actor;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Parent of one <see cref="ProjectionRunner"/> per read model; routes admin requests to them. Runs as a
/// cluster singleton: exactly one per cluster, moved to a survivor when its node leaves or dies.
/// </summary>
public sealed class ProjectionSupervisor : ReceiveActor
{
    private int _running;

    public ProjectionSupervisor(
        IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options, IEnumerable<IProjection> projections, TimeProvider clock)
    {
        var history = new JournalStreamHistory(Context.System);
        var heads = JournalStreamHeads.From(Context.System.Settings.Config);
        foreach (var projection in projections)
        {
            var writer = new ProjectionWriter(dbFactory, projection, history, clock);
            Context.Watch(Context.ActorOf(ProjectionRunner.Props(writer, heads, options), projection.Name));
            _running++;
        }
        Receive<IProjectionRequest>(request =>
        {
            var runner = Context.Child(request.Projection);
            if (runner.IsNobody())
            {
                Sender.Tell(new Status.Failure(new ArgumentException($"Unknown projection '{request.Projection}'.")));
                return;
            }
            runner.Forward(request);
        });
        Receive<StopProjections>(_ =>
        {
            foreach (var runner in Context.GetChildren())
            {
                runner.Tell(ProjectionRunner.StopAfterInFlightWrite.Instance);
            }
        });
        Receive<Terminated>(_ =>
        {
            // A runner only stops when told to (its stream restarts itself on failures).
            if (--_running == 0)
            {
                Context.Stop(Self);
            }
        });
    }

    /// <summary>The read models this application builds (the host registers them; a test may decorate one).</summary>
    public static IReadOnlyList<IProjection> Projections() => [new AccountLedgerProjection(), new DeclineAlertsProjection(), new TransfersProjection()];

    public static Props Props(IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options, IEnumerable<IProjection> projections, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new ProjectionSupervisor(dbFactory, options, projections, clock));

    /// <summary>A request for one projection's runner.</summary>
    public interface IProjectionRequest
    {
        string Projection { get; }
    }

    /// <summary>Reset a projection and replay it from offset zero; answered with <see cref="Status.Success"/>.</summary>
    public sealed record Rebuild(string Projection) : IProjectionRequest;

    /// <summary>Re-apply a parked stream from the journal, in order; answered with <see cref="RetryResult"/>.</summary>
    public sealed record RetryParkedStream(string Projection, string PersistenceId) : IProjectionRequest;

    /// <summary>Null <see cref="Outcome"/>: nothing of that stream was parked.</summary>
    public sealed record RetryResult(RetryOutcome? Outcome);

    /// <summary>Skip the first parked event of a stream for good, recording why; answered with <see cref="SkipResult"/>.</summary>
    public sealed record SkipParkedEvent(string Projection, string PersistenceId, long Version, string Reason, string SkippedBy) : IProjectionRequest;

    /// <summary>False: that event is not the first parked event of the stream.</summary>
    public sealed record SkipResult(bool Skipped);

    /// <summary>
    /// The singleton's hand-over message: every runner finishes the batch it is writing, then everything
    /// stops, and only then does the singleton start on the next node.
    /// </summary>
    public sealed record StopProjections
    {
        public static readonly StopProjections Instance = new();
    }
}
