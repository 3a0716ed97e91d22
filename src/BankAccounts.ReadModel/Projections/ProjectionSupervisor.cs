using Akka.Actor;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Projections;

/// <summary>Parent of one <see cref="ProjectionRunner"/> per read model; routes admin requests to them.</summary>
public sealed class ProjectionSupervisor : ReceiveActor
{
    public ProjectionSupervisor(IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options)
    {
        var writer = new ProjectionWriter(dbFactory);
        foreach (var projection in Projections())
        {
            Context.ActorOf(ProjectionRunner.Props(projection, writer, options), projection.Name);
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
    }

    public static IReadOnlyList<IProjection> Projections() => [new AccountLedgerProjection(), new DeclineAlertsProjection(), new TransfersProjection()];

    public static Props Props(IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options) =>
        Akka.Actor.Props.Create(() => new ProjectionSupervisor(dbFactory, options));

    /// <summary>Reset a projection and replay it from offset zero; answered with <see cref="Akka.Done"/>.</summary>
    public sealed record Rebuild(string Projection);
}
