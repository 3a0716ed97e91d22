using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Writes the read side's cluster messages (an admin request on any node reaches the projectors'
/// singleton, wherever it runs) under stable manifests, never CLR type names.
/// </summary>
public sealed class ProjectionMessagesSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7302;
    public const string Name = "bank-accounts-projections";
    private const string RebuildManifest = "RebuildProjection.v1";
    private const string RetryManifest = "RetryParkedStream.v1";
    private const string RetryResultManifest = "RetryParkedStreamResult.v1";
    private const string SkipManifest = "SkipParkedEvent.v1";
    private const string SkipResultManifest = "SkipParkedEventResult.v1";

    public static readonly IReadOnlyList<Type> BoundTypes =
    [
        typeof(ProjectionSupervisor.Rebuild), typeof(ProjectionSupervisor.RetryParkedStream), typeof(ProjectionSupervisor.RetryResult),
        typeof(ProjectionSupervisor.SkipParkedEvent), typeof(ProjectionSupervisor.SkipResult),
    ];

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        ProjectionSupervisor.Rebuild => RebuildManifest,
        ProjectionSupervisor.RetryParkedStream => RetryManifest,
        ProjectionSupervisor.RetryResult => RetryResultManifest,
        ProjectionSupervisor.SkipParkedEvent => SkipManifest,
        ProjectionSupervisor.SkipResult => SkipResultManifest,
        _ => throw new ArgumentException($"{o.GetType().FullName} is not a projection message.", nameof(o)),
    };

    // A rebuild's only field is the projection name: its UTF-8 bytes are the whole message. The others are JSON
    // of their records (plain strings and numbers, property names as written).
    public override byte[] ToBinary(object obj) => obj switch
    {
        ProjectionSupervisor.Rebuild rebuild => Encoding.UTF8.GetBytes(rebuild.Projection),
        ProjectionSupervisor.RetryParkedStream or ProjectionSupervisor.RetryResult or ProjectionSupervisor.SkipParkedEvent or ProjectionSupervisor.SkipResult =>
            JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType()),
        _ => throw new ArgumentException($"{obj.GetType().FullName} is not a projection message.", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        RebuildManifest => new ProjectionSupervisor.Rebuild(Encoding.UTF8.GetString(bytes)),
        RetryManifest => Json<ProjectionSupervisor.RetryParkedStream>(bytes),
        RetryResultManifest => Json<ProjectionSupervisor.RetryResult>(bytes),
        SkipManifest => Json<ProjectionSupervisor.SkipParkedEvent>(bytes),
        SkipResultManifest => Json<ProjectionSupervisor.SkipResult>(bytes),
        _ => throw new SerializationException($"Unknown projection message manifest '{manifest}'."),
    };

    private static T Json<T>(byte[] bytes) =>
        JsonSerializer.Deserialize<T>(bytes) ?? throw new SerializationException($"Empty {typeof(T).Name}.");
}
