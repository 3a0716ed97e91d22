using BankAccounts.Actors.Serialization;

namespace BankAccounts.ReadModel.Storage;

/// <summary>The words the read model stores and the API shows for an account's status.</summary>
public static class AccountStatuses
{
    public const string Open = "open";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Open, Closed];
}

/// <summary>The words the read model stores and the API shows for a transfer's status.</summary>
public static class TransferStatuses
{
    public const string Pending = "pending";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>A settle or refund keeps being refused: an operator must look.</summary>
    public const string Stuck = "stuck";

    public static readonly IReadOnlyList<string> All = [Pending, Completed, Failed, Stuck];
}

/// <summary>Event kinds as the read model records them: the stored name without its version, never a CLR type name.</summary>
public static class EventKinds
{
    /// <summary>e.g. <c>MoneyDeposited</c> for an event stored as <c>MoneyDeposited.v2</c>.</summary>
    public static string Of(object @event)
    {
        var manifest = StorageManifests.Of(@event.GetType());
        var version = manifest.LastIndexOf(".v", StringComparison.Ordinal);
        return version > 0 ? manifest[..version] : manifest;
    }
}
