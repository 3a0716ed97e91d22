namespace BankAccounts.Api.Http;

/// <summary>The <c>type</c> of every problem this API answers with: stable identifiers clients can switch on.</summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:bank-accounts:problem:";

    public const string InvalidRequest = Prefix + "invalid-request";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string AccountNotFound = Prefix + "account-not-found";
    public const string AccountAlreadyExists = Prefix + "account-already-exists";
    public const string AccountClosed = Prefix + "account-closed";
    public const string VersionMismatch = Prefix + "version-mismatch";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string InsufficientFunds = Prefix + "insufficient-funds";
    public const string NonZeroBalance = Prefix + "non-zero-balance";
    public const string CommandDeclined = Prefix + "command-declined";
    public const string AccountUnavailable = Prefix + "account-unavailable";
    public const string ReadModelBehind = Prefix + "read-model-behind";
    public const string ReadModelBuilding = Prefix + "read-model-building";
    public const string ReadModelVersionNotFound = Prefix + "read-model-version-not-found";
    public const string ReadModelVersionInUse = Prefix + "read-model-version-in-use";
    public const string ProjectionNotFound = Prefix + "projection-not-found";
    public const string ParkedStreamNotFound = Prefix + "parked-stream-not-found";
    public const string ParkedEventNotFirst = Prefix + "parked-event-not-first";
    public const string RetryFailed = Prefix + "retry-failed";
    public const string TransfersPending = Prefix + "transfers-pending";
    public const string TransferNotFound = Prefix + "transfer-not-found";
    public const string TransferUnavailable = Prefix + "transfer-unavailable";
    public const string VersionNotFound = Prefix + "version-not-found";
    public const string AccountNotOpenedYet = Prefix + "account-not-opened-yet";
    public const string NotAcceptable = Prefix + "not-acceptable";
    public const string StatementTooLarge = Prefix + "statement-too-large";
    public const string Unauthenticated = Prefix + "unauthenticated";
    public const string Forbidden = Prefix + "forbidden";
    public const string TooManyRequests = Prefix + "too-many-requests";
    public const string ProjectionsUnavailable = Prefix + "projections-unavailable";
    public const string JournalUnavailable = Prefix + "journal-unavailable";
}
