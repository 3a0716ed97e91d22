using System.Text;
using Akka.Actor;
using BankAccounts.ReadModel.Projections;

namespace BankAccounts.ReadModel.Tests;

/// <summary>
/// The admin requests and their answers cross nodes to and from the projections' singleton: each round-trips
/// under its manifest, and each manifest's bytes are pinned (<c>Golden/{manifest}.json</c>, or <c>.txt</c> for the
/// rebuild, whose bytes are the projection's name), so a node of another release still reads them.
/// </summary>
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

    /// <summary>One fully populated sample per bound type.</summary>
    private static readonly object[] GoldenSamples =
    [
        new ProjectionSupervisor.Rebuild(ProjectionNames.Transfers),
        new ProjectionSupervisor.RetryParkedStream(ProjectionNames.AccountLedger, "account-1"),
        new ProjectionSupervisor.RetryResult(new RetryOutcome(0, 2, "InvalidOperationException: boom")),
        new ProjectionSupervisor.SkipParkedEvent(ProjectionNames.DeclineAlerts, "account-2", 7, "refunded by hand", "admin:ops"),
        new ProjectionSupervisor.SkipResult(true),
    ];

    public static TheoryData<int> GoldenSampleIndexes => [.. Enumerable.Range(0, GoldenSamples.Length)];

    [Fact]
    public void Should_have_a_golden_sample_for_every_type_the_serializer_is_bound_to()
    {
        Assert.Equal(
            ProjectionMessagesSerializer.BoundTypes.OrderBy(t => t.FullName),
            GoldenSamples.Select(s => s.GetType()).Distinct().OrderBy(t => t.FullName));
        Assert.Equal(GoldenSamples.Length, GoldenSamples.Select(s => s.GetType()).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(GoldenSampleIndexes))]
    public void Should_write_and_read_exactly_the_golden_bytes_of_every_manifest(int index)
    {
        var serializer = new ProjectionMessagesSerializer((ExtendedActorSystem)_system);
        var sample = GoldenSamples[index];
        var manifest = serializer.Manifest(sample);
        var written = Encoding.UTF8.GetString(serializer.ToBinary(sample));
        var path = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Golden"), manifest + ".*").SingleOrDefault();
        Assert.True(path is not null, $"No golden file Golden/{manifest}.json (or .txt). The serializer writes:{Environment.NewLine}{written}");
        var golden = File.ReadAllText(path).TrimEnd('\r', '\n');

        Assert.Equal(golden, written);
        Assert.Equal(sample, serializer.FromBinary(Encoding.UTF8.GetBytes(golden), manifest));
    }

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
