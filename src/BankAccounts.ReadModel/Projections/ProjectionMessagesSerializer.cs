using System.Runtime.Serialization;
using System.Text;
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

    public static readonly IReadOnlyList<Type> BoundTypes = [typeof(ProjectionSupervisor.Rebuild)];

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        ProjectionSupervisor.Rebuild => RebuildManifest,
        _ => throw new ArgumentException($"{o.GetType().FullName} is not a projection message.", nameof(o)),
    };

    // The only field is the projection name: its UTF-8 bytes are the whole message.
    public override byte[] ToBinary(object obj) => obj switch
    {
        ProjectionSupervisor.Rebuild rebuild => Encoding.UTF8.GetBytes(rebuild.Projection),
        _ => throw new ArgumentException($"{obj.GetType().FullName} is not a projection message.", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        RebuildManifest => new ProjectionSupervisor.Rebuild(Encoding.UTF8.GetString(bytes)),
        _ => throw new SerializationException($"Unknown projection message manifest '{manifest}'."),
    };
}
