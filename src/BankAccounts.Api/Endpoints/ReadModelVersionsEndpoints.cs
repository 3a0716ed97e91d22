using Akka.Actor;
using Akka.Cluster;
using BankAccounts.Api.Contracts;
using BankAccounts.Api.Http;
using BankAccounts.Api.Security;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Endpoints;

/// <summary><c>/admin/read-model</c>: the read model versions side by side, their rebuilds, and removing an old one.</summary>
public static class ReadModelVersionsEndpoints
{
    public static IEndpointRouteBuilder MapReadModelVersionsApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/read-model").WithTags("Admin").RequireAuthorization(AccessPolicies.Admin);

        admin.MapGet("", ListReadModelVersions)
            .WithName("ListReadModelVersions")
            .WithSummary("List read model versions")
            .WithDescription(
                "Every read model version in the database: building (filled from offset zero beside the active one; its nodes are not ready), " +
                "active (serves reads), superseded (complete, a newer one is active) or dropped; events done of total and an estimate of the time left.");

        admin.MapDelete("/versions/{version}", DropReadModelVersion)
            .WithName("DropReadModelVersion")
            .WithSummary("Drop a read model version")
            .WithDescription(
                "Drops the tables of a version that no longer serves (the legacy version 4's unprefixed tables too) and marks it dropped. " +
                "409 for the active version, for the version of the node asked, and while cluster members of that version are up " +
                "(the legacy version's nodes are not visible: stop them first).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return routes;
    }

    private static async Task<Ok<ReadModelVersionListResponse>> ListReadModelVersions(
        ReadModelOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var versions = await ReadModelDatabase.VersionsAsync(options, cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ReadModelVersionListResponse(
            options.Version,
            versions.FirstOrDefault(v => v.State == ReadModelVersionState.Active)?.Version,
            [.. versions.Select(v => Response(v, now))]));
    }

    private static async Task<Results<Ok<ReadModelVersionResponse>, ProblemHttpResult>> DropReadModelVersion(
        string version, ReadModelOptions options, ActorSystem system, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParse(version, nameof(version), 0, 1, int.MaxValue, out var number, out var invalid))
        {
            return invalid;
        }
        var versions = await ReadModelDatabase.VersionsAsync(options, cancellationToken);
        if (versions.SingleOrDefault(v => v.Version == number) is not { } row)
        {
            return Problems.ReadModelVersionNotFound((int)number, versions.Select(v => v.Version));
        }
        if (ReadModelVersionRules.DropRefusal(row.Version, row.State, options.Version, VersionsRunning(system)) is { } refusal)
        {
            return Problems.ReadModelVersionInUse(row.Version, refusal);
        }
        await ReadModelDatabase.DropVersionAsync(options, row.Version, cancellationToken);
        return TypedResults.Ok(Response(row with { State = ReadModelVersionState.Dropped }, clock.GetUtcNow()));
    }

    /// <summary>The read model versions of the cluster's Up members, from their roles (<c>read-model-v5</c>).</summary>
    private static List<int> VersionsRunning(ActorSystem system) =>
        [.. Cluster.Get(system).State.Members
            .Where(m => m.Status == MemberStatus.Up)
            .SelectMany(m => m.Roles)
            .Select(role => role.StartsWith(ReadModelLayout.RolePrefix, StringComparison.Ordinal)
                && int.TryParse(role.AsSpan(ReadModelLayout.RolePrefix.Length), out var v) ? v : 0)
            .Where(v => v > 0)
            .Distinct()];

    private static ReadModelVersionResponse Response(ReadModelVersionRow row, DateTimeOffset now) => new(
        row.Version, row.State.ToString().ToLowerInvariant(), new ReadModelLayout(row.Version).TablePrefix, row.EventsDone, row.EventsTotal,
        row.Progress.Percent, row.State == ReadModelVersionState.Building ? row.Progress.EstimatedRemaining(now)?.TotalSeconds : null,
        row.StartedAt, row.CaughtUpAt, row.ActivatedAt);
}
