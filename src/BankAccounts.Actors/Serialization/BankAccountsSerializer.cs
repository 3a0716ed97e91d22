using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Serialization;
using BankAccounts.Domain;

namespace BankAccounts.Actors.Serialization;

/// <summary>
/// JSON with explicit, versioned string manifests for every event, snapshot and cluster message.
/// No CLR type name is ever written, so types can be renamed and moved freely; old event versions
/// are upcast on read.
/// </summary>
public sealed class BankAccountsSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 7301;
    public const string Name = "bank-accounts";

    private static readonly JsonSerializerOptions Options = JsonConverters.CreateOptions();
    private readonly FrozenDictionary<string, IEventUpcaster> _upcasters;
    private readonly ConditionalWeakTable<object, byte[]> _sealed = new();

    public BankAccountsSerializer(ExtendedActorSystem system)
        : this(system, EventUpcasters.All)
    {
    }

    public BankAccountsSerializer(ExtendedActorSystem system, IEnumerable<IEventUpcaster> upcasters)
        : base(system)
    {
        _upcasters = upcasters.ToFrozenDictionary(u => u.FromManifest, StringComparer.Ordinal);
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => StorageManifests.Of(o.GetType());

    public override byte[] ToBinary(object obj) => _sealed.TryGetValue(obj, out var sealedBytes) ? sealedBytes : Serialize(obj);

    /// <summary>
    /// Serializes an event once, for good: the journal then stores exactly these bytes for this object
    /// (<see cref="ToBinary"/> returns them), so the hash chain links the bytes as stored without
    /// relying on a second serialization giving the same bytes.
    /// </summary>
    internal byte[] Seal(object @event)
    {
        var bytes = Serialize(@event);
        _sealed.AddOrUpdate(@event, bytes);
        return bytes;
    }

    private static byte[] Serialize(object obj) => obj switch
    {
        AccountState state => JsonSerializer.SerializeToUtf8Bytes(AccountStateV2.From(state), Options),
        _ => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var read = Deserialize(bytes, manifest);
        if (read is AccountEvent or TransferEvent)
        {
            StoredEventHashes.RememberRead(read, bytes);
        }
        return read;
    }

    private object Deserialize(byte[] bytes, string manifest)
    {
        if (_upcasters.ContainsKey(manifest))
        {
            return FromUpcast(bytes, manifest);
        }
        if (!StorageManifests.TryGetType(manifest, out var type))
        {
            throw new SerializationException($"Unknown manifest '{manifest}': no type and no upcaster is registered for it.");
        }
        return Read(type, manifest, stored => JsonSerializer.Deserialize(bytes, stored, Options));
    }

    private object FromUpcast(byte[] bytes, string manifest)
    {
        var json = JsonNode.Parse(bytes)?.AsObject() ?? throw new SerializationException($"Stored '{manifest}' is not a JSON object.");
        while (_upcasters.TryGetValue(manifest, out var upcaster))
        {
            json = upcaster.Upcast(json);
            manifest = upcaster.ToManifest;
        }
        if (!StorageManifests.TryGetType(manifest, out var type))
        {
            throw new SerializationException($"Upcasting ended at '{manifest}', which has no type.");
        }
        return Read(type, manifest, stored => json.Deserialize(stored, Options));
    }

    /// <summary>
    /// Reads <paramref name="type"/> through its stored shape: a snapshot is stored as <see cref="AccountStateV2"/>,
    /// everything else as itself. Both the direct and the upcast path go through here.
    /// </summary>
    private static object Read(Type type, string manifest, Func<Type, object?> deserialize)
    {
        var read = type == typeof(AccountState)
            ? (deserialize(typeof(AccountStateV2)) as AccountStateV2)?.ToState()
            : deserialize(type);
        return read ?? throw new SerializationException($"Stored '{manifest}' is null.");
    }
}
