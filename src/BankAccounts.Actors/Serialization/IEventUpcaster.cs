using System.Text.Json;
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

/// <summary>The upcasters of this version of the application: release 1's events and snapshots to the v2 envelope.</summary>
public static class EventUpcasters
{
    /// <summary>Every event manifest release 1 wrote; their v2 differs only by the metadata envelope.</summary>
    private static readonly string[] ReleaseOneEvents =
    [
        "AccountOpened", "MoneyDeposited", "MoneyWithdrawn", "WithdrawalDeclined", "AccountClosed", "AccountClosureDeclined",
        "TransferDebited", "TransferDebitDeclined", "TransferCredited", "TransferSettled", "TransferRefunded",
        "TransferRequested", "TransferSourceDebited", "TransferSourceDebitFailed", "TransferDestinationCredited",
        "TransferDestinationCreditFailed", "TransferSourceRefunded", "TransferSourceSettled", "TransferDestinationSettled",
    ];

    public static readonly IReadOnlyList<IEventUpcaster> All =
    [
        .. ReleaseOneEvents.Select(name => new LegacyEventToV2(name)),
        new AccountStateV1ToV2(),
        new CommandRejectedV1ToV2(),
    ];
}

/// <summary>
/// A release-1 event gets the v2 envelope: caused by <see cref="Domain.Security.Principal.Legacy"/>
/// (nobody recorded who), no trace, no chain link. Its facts are untouched.
/// </summary>
internal sealed class LegacyEventToV2(string eventName) : IEventUpcaster
{
    public string FromManifest => eventName + ".v1";

    public string ToManifest => eventName + ".v2";

    public JsonObject Upcast(JsonObject stored)
    {
        stored["metadata"] = JsonSerializer.SerializeToNode(Domain.EventMetadata.Legacy, JsonConverters.CreateOptions());
        return stored;
    }
}

/// <summary>
/// A release-1 snapshot: no owner was recorded (the account is reachable by staff only), and a full
/// window (256 entries) may have forgotten commands older than its first entry, which the command
/// history then answers for.
/// </summary>
internal sealed class AccountStateV1ToV2 : IEventUpcaster
{
    public string FromManifest => "AccountState.v1";

    public string ToManifest => "AccountState.v2";

    public JsonObject Upcast(JsonObject stored)
    {
        var window = stored["recentCommands"]?.AsArray() ?? [];
        var firstVersion = window.Count > 0 ? window[0]?["version"]?.GetValue<long>() ?? 0L : 0L;
        stored["ownerId"] = null;
        stored["forgottenThrough"] = window.Count >= Domain.RecentCommands.Capacity ? Math.Max(0L, firstVersion - 1) : 0L;
        return stored;
    }
}

/// <summary>
/// A rejection sent by a node of an earlier version (a wire message, never stored): its errors were
/// plain messages, now structured. They keep their words, concern no single field and get the generic code.
/// </summary>
internal sealed class CommandRejectedV1ToV2 : IEventUpcaster
{
    public string FromManifest => "CommandRejected.v1";

    public string ToManifest => "CommandRejected.v2";

    public JsonObject Upcast(JsonObject stored)
    {
        var messages = stored["errors"]?.AsArray() ?? [];
        stored["errors"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
        {
            ["field"] = null,
            ["code"] = Domain.FieldErrorCodes.Invalid,
            ["message"] = m?.GetValue<string>(),
        })]);
        return stored;
    }
}
