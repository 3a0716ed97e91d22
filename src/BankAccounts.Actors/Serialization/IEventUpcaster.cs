using System.Text.Json.Nodes;

namespace BankAccounts.Actors.Serialization;

/// <summary>
/// Turns the stored JSON of an old event version into the next version, on read. Stored events
/// are never rewritten; upcasters chain (v1 → v2 → v3) until a manifest with a CLR type is reached.
/// </summary>
public interface IEventUpcaster
{
    string FromManifest { get; }

    string ToManifest { get; }

    JsonObject Upcast(JsonObject stored);
}

/// <summary>The upcasters of this version of the application (none yet: every event is still v1).</summary>
public static class EventUpcasters
{
    public static readonly IReadOnlyList<IEventUpcaster> All = [];
}
