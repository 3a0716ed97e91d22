using Akka.Actor;
using BankAccounts.ReadModel.Projections;

namespace BankAccounts.ReadModel.Tests;

/// <summary>The admin requests and their answers cross nodes to and from the projections' singleton: each round-trips under its manifest.</summary>
public sealed class ProjectionMessagesSerializerSpecs : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-specs");

    public static TheoryData<object> Messages() =>
    [
        new ProjectionSupervisor.Rebuild(ProjectionNames.Transfers),
        new ProjectionSupervisor.RetryParkedStream(ProjectionNames.AccountLedger, "account-1"),
        new ProjectionSupervisor.RetryResult(new RetryOutcome(3, 0, null)),
        new ProjectionSupervisor.RetryResult(new RetryOutcome(0, 2, "InvalidOperationException: boom")),
        new ProjectionSupervisor.RetryResult(null),
        new ProjectionSupervisor.SkipParkedEvent(ProjectionNames.DeclineAlerts, "account-2", 7, "refunded by hand", "admin:ops"),
        new ProjectionSupervisor.SkipResult(true),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Should_round_trip_each_projection_message(object message)
    {
        var serializer = new ProjectionMessagesSerializer((ExtendedActorSystem)_system);

        var copy = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));

        Assert.Equal(message, copy);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
