using System.Text.Json;
using BankAccounts.Api.Contracts;
using BankAccounts.Api.Http;
using BankAccounts.Api.Security;
using BankAccounts.ReadModel.Integrity;
using BankAccounts.ReadModel.Projections;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace BankAccounts.Api.Endpoints;

/// <summary><c>/admin</c>: operating the read side.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var projections = routes.MapGroup("/admin/projections").WithTags("Admin").RequireAuthorization(AccessPolicies.Admin);

        projections.MapGet("", GetProjections)
            .WithName("GetProjections")
            .WithSummary("List projections and their offsets")
            .WithDescription("How far each projection has durably read the journal (its journal ordering).");

        projections.MapPost("/{name}/rebuild", RebuildProjection)
            .WithName("RebuildProjection")
            .WithSummary("Rebuild a projection")
            .WithDescription("Empties the projection's tables and offset and replays it from the start of the journal. Answers 202 once the reset is done; the replay continues in the background.")
            .WithRouteValues("name", ProjectionNames.All)
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGet("/admin/integrity", CheckIntegrity)
            .WithTags("Admin")
            .RequireAuthorization(AccessPolicies.Auditing)
            .WithName("CheckLedgerIntegrity")
            .WithSummary("Check the ledger's integrity")
            .WithDescription(
                "Folds every account's events from the journal and compares them with the read model, at the offset the read model has reached; " +
                "folds every transfer and checks each one's end is matched on its accounts (a failed transfer refunded, a completed one debited, credited and settled on both sides) " +
                "and nothing stays in flight too long; reports any drift and, per currency, the money in the system: balances plus in-flight transfers, " +
                "which must equal deposits minus withdrawals. The answer is streamed: each drift is written as soon as it is found, the totals and " +
                "'consistent' last; the check stops when the caller goes away.")
            .Produces<IntegrityReport>(StatusCodes.Status200OK, "application/json");

        return routes;
    }

    /// <summary>
    /// Writes the <see cref="IntegrityReport"/> as it is found: the object starts with the first drift (or the
    /// end of the check, so a check that fails early still answers with a problem) and drift entries follow
    /// one by one; the totals and <c>consistent</c> come last.
    /// </summary>
    private static async Task CheckIntegrity(
        HttpContext http, LedgerIntegrityCheck check, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        // Into the response's pipe (never blocking I/O); each FlushAsync sends what was written so far.
        var body = http.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body);
        var started = false;
        void Start()
        {
            if (!started)
            {
                started = true;
                http.Response.ContentType = "application/json; charset=utf-8";
                writer.WriteStartObject();
                writer.WriteStartArray("drift");
            }
        }

        var report = await check.RunAsync(async (drift, token) =>
        {
            Start();
            writer.WriteStringValue(drift);
            writer.Flush();
            await body.FlushAsync(token);
        }, cancellationToken);

        Start();
        writer.WriteEndArray();
        writer.WriteNumber("checkedUpToOffset", report.CheckedUpToOffset);
        writer.WriteNumber("readModelOffset", report.ReadModelOffset);
        writer.WriteNumber("accounts", report.Accounts);
        writer.WriteNumber("events", report.Events);
        writer.WritePropertyName("money");
        JsonSerializer.Serialize(writer, report.Money, json.Value.SerializerOptions);
        writer.WriteBoolean("consistent", report.Consistent);
        writer.WriteEndObject();
        writer.Flush();
        await body.FlushAsync(cancellationToken);
    }

    private static async Task<Ok<ProjectionListResponse>> GetProjections(IProjectionControl control, CancellationToken cancellationToken)
    {
        var offsets = await control.OffsetsAsync(cancellationToken);
        return TypedResults.Ok(new ProjectionListResponse(
            [.. ProjectionNames.All.Select(name => new ProjectionOffsetResponse(name, offsets.GetValueOrDefault(name)))]));
    }

    private static async Task<Results<Accepted<ProjectionRebuildResponse>, ProblemHttpResult>> RebuildProjection(
        string name, IProjectionControl control, CancellationToken cancellationToken)
    {
        if (!ProjectionNames.All.Contains(name, StringComparer.Ordinal))
        {
            return Problems.ProjectionNotFound(name, ProjectionNames.All);
        }
        await control.RebuildAsync(name, cancellationToken);
        return TypedResults.Accepted("/admin/projections", new ProjectionRebuildResponse(name, "rebuilding"));
    }
}
