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

    public ProjectionSupervisor(IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options)
    {
        var writer = new ProjectionWriter(dbFactory);
        foreach (var projection in Projections())
        {
            Context.Watch(Context.ActorOf(ProjectionRunner.Props(projection, writer, options), projection.Name));
            _running++;
        }
        Receive<Rebuild>(rebuild =>
        {
            var runner = Context.Child(rebuild.Projection);
            if (runner.IsNobody())
            {
                Sender.Tell(new Status.Failure(new ArgumentException($"Unknown projection '{rebuild.Projection}'.")));
                return;
            }
            runner.Forward(rebuild);
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

    public static IReadOnlyList<IProjection> Projections() => [new AccountLedgerProjection(), new DeclineAlertsProjection(), new TransfersProjection()];

    public static Props Props(IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options) =>
        Akka.Actor.Props.Create(() => new ProjectionSupervisor(dbFactory, options));

    /// <summary>Reset a projection and replay it from offset zero; answered with <see cref="Status.Success"/>.</summary>
    public sealed record Rebuild(string Projection);

    /// <summary>
    /// The singleton's hand-over message: every runner finishes the batch it is writing, then everything
    /// stops, and only then does the singleton start on the next node.
    /// </summary>
    public sealed record StopProjections
    {
        public static readonly StopProjections Instance = new();
    }
}
