using BankAccounts.Domain;
using BankAccounts.Api.Contracts;
using BankAccounts.Api.Http;
using BankAccounts.Api.Security;
using BankAccounts.ReadModel.Projections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Endpoints;

/// <summary><c>/admin/projections/…/parked</c>: the events projections parked, and what an operator does with them.</summary>
public static class ParkedEventsEndpoints
{
    public const int MaxSkipReasonLength = 500;

    public static IEndpointRouteBuilder MapParkedEventsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/projections").WithTags("Admin").RequireAuthorization(AccessPolicies.Admin);

        admin.MapGet("/parked", ListParkedStreams)
            .WithName("ListParkedStreams")
            .WithSummary("List parked streams")
            .WithDescription("Every stream a projection parked: its first parked version, why (failed, gap), the last error, attempts and failure times, and how many of its events wait.");

        admin.MapGet("/{name}/parked/{persistenceId}", ListParkedEvents)
            .WithRouteValues("name", ProjectionNames.All)
            .WithName("ListParkedEvents")
            .WithSummary("List a parked stream's events")
            .WithDescription("The parked events of one stream, in stream order.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPost("/{name}/parked/{persistenceId}/retry", RetryParkedStream)
            .WithRouteValues("name", ProjectionNames.All)
            .WithName("RetryParkedStream")
            .WithSummary("Retry a parked stream")
            .WithDescription(
                "Re-applies the stream from the journal, in order, from its first unapplied version to its last, in one transaction " +
                "(after the cause was fixed). Answers 409 when it fails again: the stream stays parked, the attempt recorded.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        admin.MapPost("/{name}/parked/{persistenceId}/skip", SkipParkedEvent)
            .WithRouteValues("name", ProjectionNames.All)
            .WithName("SkipParkedEvent")
            .WithSummary("Skip a parked event")
            .AcceptsJson(required: true, example: new SkipParkedEventRequest(1, "Poison event fixed by hand (incident 42)"), ifMatch: false, idempotencyKey: false)
            .WithDescription(
                "Skips the stream's first parked event for good, with a reason (kept in skipped_events with who and when); the events " +
                "behind it stay parked until a retry. The read model then lacks that event: the integrity check reports the drift.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return routes;
    }

    private static async Task<Ok<ParkedStreamListResponse>> ListParkedStreams(IProjectionControl control, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ParkedStreamListResponse([.. (await control.ParkedStreamsAsync(null, cancellationToken)).Select(ParkedStreamResponse.From)]));

    private static async Task<Results<Ok<ParkedEventListResponse>, ProblemHttpResult>> ListParkedEvents(
        string name, string persistenceId, IProjectionControl control, CancellationToken cancellationToken)
    {
        if (!ProjectionNames.All.Contains(name, StringComparer.Ordinal))
        {
            return Problems.ProjectionNotFound(name, ProjectionNames.All);
        }
        var events = await control.ParkedEventsAsync(name, persistenceId, cancellationToken);
        return events.Count == 0
            ? Problems.ParkedStreamNotFound(name, persistenceId)
            : TypedResults.Ok(new ParkedEventListResponse(name, persistenceId, [.. events.Select(e => new ParkedEventResponse(
                e.Version, e.Offset, e.Reason, e.EventType, e.Error, e.Attempts, e.FirstFailureAt, e.LastFailureAt))]));
    }

    private static async Task<Results<Ok<ParkedRetryResponse>, ProblemHttpResult>> RetryParkedStream(
        string name, string persistenceId, IProjectionControl control, CancellationToken cancellationToken)
    {
        if (!ProjectionNames.All.Contains(name, StringComparer.Ordinal))
        {
            return Problems.ProjectionNotFound(name, ProjectionNames.All);
        }
        RetryOutcome? outcome;
        try
        {
            outcome = await control.RetryParkedAsync(name, persistenceId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Problems.ProjectionsUnavailable($"The retry of {persistenceId}", e);
        }
        if (outcome is null)
        {
            return Problems.ParkedStreamNotFound(name, persistenceId);
        }
        return outcome.Succeeded
            ? TypedResults.Ok(new ParkedRetryResponse(name, persistenceId, outcome.Applied))
            : Problems.RetryFailed(persistenceId, outcome.Error!, outcome.StillParked);
    }

    private static async Task<Results<Ok<ParkedSkipResponse>, ProblemHttpResult>> SkipParkedEvent(
        string name, string persistenceId, HttpContext http, IProjectionControl control, CancellationToken cancellationToken)
    {
        if (!ProjectionNames.All.Contains(name, StringComparer.Ordinal))
        {
            return Problems.ProjectionNotFound(name, ProjectionNames.All);
        }
        var body = await JsonBody.ReadValidAsync<SkipParkedEventRequest>(http.Request, Validate, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var request = body.Value!;
        var parked = await control.ParkedEventsAsync(name, persistenceId, cancellationToken);
        if (parked.Count == 0)
        {
            return Problems.ParkedStreamNotFound(name, persistenceId);
        }
        var caller = http.Caller().ToString();
        bool skipped;
        try
        {
            skipped = parked[0].Version == request.Version
                && await control.SkipParkedAsync(name, persistenceId, request.Version, request.Reason.Trim(), caller, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Problems.ProjectionsUnavailable($"Skipping {persistenceId} #{request.Version}", e);
        }
        if (!skipped)
        {
            return Problems.ParkedEventNotFirst(persistenceId, request.Version, parked[0].Version);
        }
        return TypedResults.Ok(new ParkedSkipResponse(name, persistenceId, request.Version, request.Reason.Trim(), caller, parked.Count - 1));
    }

    private static IReadOnlyList<FieldError> Validate(SkipParkedEventRequest request)
    {
        var errors = new List<FieldError>();
        if (request.Version < 1)
        {
            errors.Add(new("version", FieldErrorCodes.Invalid, "The version must be 1 or more."));
        }
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Trim().Length > MaxSkipReasonLength)
        {
            errors.Add(new("reason", FieldErrorCodes.Required, $"A reason of 1 to {MaxSkipReasonLength} characters is required."));
        }
        return errors;
    }
}
