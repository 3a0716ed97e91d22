using BankAccounts.Api.Contracts;
using BankAccounts.Api.Http;
using BankAccounts.Api.Security;
using BankAccounts.ReadModel.Integrity;
using BankAccounts.ReadModel.Projections;
using Microsoft.AspNetCore.Http.HttpResults;

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
            .ProducesProblem(StatusCodes.Status404NotFound);

        routes.MapGet("/admin/integrity", CheckIntegrity)
            .WithTags("Admin")
            .RequireAuthorization(AccessPolicies.Auditing)
            .WithName("CheckLedgerIntegrity")
            .WithSummary("Check the ledger's integrity")
            .WithDescription(
                "Folds every account's events from the journal and compares them with the read model, at the offset the read model has reached; " +
                "reports any drift and, per currency, the money in the system: balances plus in-flight transfers, which must equal deposits minus withdrawals.");

        return routes;
    }

    private static async Task<Ok<IntegrityReport>> CheckIntegrity(LedgerIntegrityCheck check, CancellationToken cancellationToken) =>
        TypedResults.Ok(await check.RunAsync(cancellationToken));

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
