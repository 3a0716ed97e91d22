using BankAccounts.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Http;

/// <summary>Every error answer of the API, as RFC 7807 problem details.</summary>
internal static partial class Problems
{
    public static ProblemHttpResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.InvalidRequest,
            Title = "The request is invalid.",
            Detail = string.Join(" ", errors.SelectMany(e => e.Value)),
        });

    /// <summary>
    /// The domain's structured errors: <c>errors</c> maps each field (<c>request</c> for errors of no
    /// single field) to its messages, <c>codes</c> to their stable codes.
    /// </summary>
    public static ProblemHttpResult Invalid(IEnumerable<FieldError> errors)
    {
        var byField = errors.GroupBy(e => e.Field ?? "request").ToList();
        return TypedResults.Problem(new HttpValidationProblemDetails(byField.ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()))
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.InvalidRequest,
            Title = "The request is invalid.",
            Detail = string.Join(" ", byField.SelectMany(g => g.Select(e => e.Message))),
            Extensions = { ["codes"] = byField.ToDictionary(g => g.Key, g => g.Select(e => e.Code).ToArray()) },
        });
    }

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "The request body must be JSON.",
            $"Content-Type '{contentType ?? "(none)"}' is not supported; send 'application/json'.");

    public static ProblemHttpResult AccountNotFound(AccountId id) =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.AccountNotFound, "Account not found.", $"Account {id} does not exist.");

    public static ProblemHttpResult ProjectionNotFound(string name, IEnumerable<string> known) =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.ProjectionNotFound, "Projection not found.",
            $"There is no projection '{name}'; known projections: {string.Join(", ", known)}.");

    public static ProblemHttpResult ParkedStreamNotFound(string projection, string persistenceId) =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.ParkedStreamNotFound, "Nothing parked.",
            $"Projection '{projection}' has no parked event of stream '{persistenceId}'.");

    /// <summary>Only the first parked event of a stream may be skipped: the stream's order is kept.</summary>
    public static ProblemHttpResult ParkedEventNotFirst(string persistenceId, long version, long first) =>
        Problem(StatusCodes.Status409Conflict, ProblemTypes.ParkedEventNotFirst, "Not the first parked event.",
            $"Version {version} of '{persistenceId}' is not its first parked event (version {first}); skip that one first.");

    public static ProblemHttpResult RetryFailed(string persistenceId, string error, int stillParked) =>
        Problem(StatusCodes.Status409Conflict, ProblemTypes.RetryFailed, "The parked stream failed again.",
            $"Retrying '{persistenceId}' failed: {error} It stays parked ({stillParked} events).", new Dictionary<string, object?> { ["stillParked"] = stillParked });

    public static ProblemHttpResult TransferNotFound(TransferId id) =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.TransferNotFound, "Transfer not found.", $"Transfer {id} does not exist.");

    /// <summary>The transfer's process manager did not answer in time; a retry with the same key is safe.</summary>
    public static ProblemHttpResult TransferUnavailable(TransferId id, TimeSpan waited) =>
        Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.TransferUnavailable, "The transfer did not answer in time.",
            $"Transfer {id} did not answer within {waited.TotalSeconds:0.#} s. It may or may not have been recorded: " +
            "retry with the same Idempotency-Key to get its status without starting it twice.");

    /// <summary>The account did not answer in time. The command may still take effect, so only a retry with the same key is safe.</summary>
    public static ProblemHttpResult AccountUnavailable(AccountId id, TimeSpan waited) =>
        Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.AccountUnavailable, "The account did not answer in time.",
            $"Account {id} did not answer within {waited.TotalSeconds:0.#} s. The command may or may not have been applied: " +
            "retry with the same Idempotency-Key to get its outcome without applying it twice.");

    public static ProblemHttpResult ReadModelBehind(AccountId id, long minVersion, long currentVersion, TimeSpan waited) =>
        Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.ReadModelBehind, "The read model has not caught up yet.",
            $"Account {id} is at version {currentVersion} in the read model; version {minVersion} was not reached within {waited.TotalSeconds:0.#} s. Retry later.",
            new Dictionary<string, object?> { ["minVersion"] = minVersion, ["currentVersion"] = currentVersion });

    /// <summary>The refusal was recorded as an event: the version rose.</summary>
    public static ProblemHttpResult Declined(CommandDeclined declined) =>
        Problem(StatusCodes.Status422UnprocessableEntity,
            declined.Reason switch
            {
                DeclineReason.InsufficientFunds => ProblemTypes.InsufficientFunds,
                DeclineReason.NonZeroBalance => ProblemTypes.NonZeroBalance,
                DeclineReason.TransfersPending => ProblemTypes.TransfersPending,
                _ => ProblemTypes.CommandDeclined,
            },
            declined.Reason switch
            {
                DeclineReason.InsufficientFunds => "Insufficient funds.",
                DeclineReason.NonZeroBalance => "The balance is not zero.",
                DeclineReason.TransfersPending => "Transfers from this account are still pending.",
                _ => "The command was declined.",
            },
            declined.Detail,
            new Dictionary<string, object?> { ["version"] = declined.Version, ["balance"] = declined.Balance, ["reason"] = declined.Reason.ToString() });

    /// <summary>Nothing was persisted.</summary>
    public static ProblemHttpResult Rejected(AccountId id, CommandRejected rejected) => rejected.Reason switch
    {
        RejectionReason.InvalidCommand => Invalid(rejected.Errors),
        RejectionReason.AccountNotFound => AccountNotFound(id),
        RejectionReason.AccountAlreadyExists => Problem(StatusCodes.Status409Conflict, ProblemTypes.AccountAlreadyExists,
            "The account already exists.", Detail(rejected)),
        RejectionReason.AccountClosed => Problem(StatusCodes.Status409Conflict, ProblemTypes.AccountClosed,
            "The account is closed.", Detail(rejected)),
        RejectionReason.VersionMismatch => Problem(StatusCodes.Status412PreconditionFailed, ProblemTypes.VersionMismatch,
            "The account is not at the expected version.", Detail(rejected),
            new Dictionary<string, object?> { ["currentVersion"] = rejected.CurrentVersion }),
        RejectionReason.CommandIdReused => Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
            "The Idempotency-Key was already used for a different request.", Detail(rejected)),
        RejectionReason.Forbidden => Forbidden(Detail(rejected)),
        _ => throw new ArgumentOutOfRangeException(nameof(rejected), rejected.Reason, "Unknown rejection reason."),
    };

    /// <summary>The projections' store (journal or read model) did not answer an operator's request; nothing changed, retry later.</summary>
    public static ProblemHttpResult ProjectionsUnavailable(string what, Exception cause) =>
        Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.ProjectionsUnavailable, "The projections could not do this now.",
            $"{what} could not run ({cause.GetType().Name}); nothing was changed. Retry later.");

    /// <summary>The journal or the snapshot store did not answer a read; retry later.</summary>
    public static ProblemHttpResult JournalUnavailable(string what, Exception cause) =>
        Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.JournalUnavailable, "The journal could not be read now.",
            $"{what} could not be read ({cause.GetType().Name}). Retry later.");

    /// <summary>Too many reads are already waiting for the read model on this node (retry shortly).</summary>
    public static ProblemHttpResult TooManyWaits(int perNode, int perCaller) =>
        Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.ReadModelBehind, "Too many reads are waiting for the read model.",
            $"At most {perNode} reads with minVersion wait at once on a node, {perCaller} per caller; retry shortly.");

    /// <summary>The caller, or this node, already has as many live feeds open as allowed (retry once one has ended).</summary>
    public static ProblemHttpResult TooManySubscriptions(int perCaller, int perNode) =>
        Problem(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyRequests, "Too many live feeds are open.",
            $"At most {perCaller} live feeds may be open per caller and {perNode} on a node; close one, or retry later.");

    /// <summary>The caller's role may never do this (403); ownership is answered as 404 instead.</summary>
    public static ProblemHttpResult Forbidden(string detail) =>
        Problem(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Your role may not do this.", detail);

    private static string Detail(CommandRejected rejected) => rejected.Describe();

    private static ProblemHttpResult Problem(
        int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: type, extensions: extensions);
}
