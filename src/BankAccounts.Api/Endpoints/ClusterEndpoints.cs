using BankAccounts.Api.Http;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.Api.Security;
using BankAccounts.ReadModel;
using BankAccounts.ReadModel.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Endpoints;

/// <summary>This node's member status, the cluster as it sees it, what it hosts (shards, singletons).</summary>
public sealed record ClusterMemberResponse(string Address, string Status, bool Reachable, IReadOnlyList<string> Roles);

/// <param name="Self">This node's Akka address.</param>
/// <param name="Leader">The member that moves others' statuses (joining → up, leaving → removed).</param>
/// <param name="ProjectionsHere">Whether the projectors' singleton runs on this node.</param>
public sealed record ClusterStatusResponse(
    string Self, string Status, string? Leader, bool ProjectionsHere, IReadOnlyList<ClusterMemberResponse> Members);

/// <param name="EntityCount">Accounts active in the shard; <paramref name="EntityIds"/> lists at most the requested limit of them.</param>
public sealed record ShardResponse(string ShardId, int EntityCount, IReadOnlyList<string> EntityIds);

/// <summary>The account shards (and their active accounts) hosted by this node.</summary>
public sealed record ShardsResponse(string Self, string Region, IReadOnlyList<ShardResponse> Shards);

/// <summary><c>/cluster</c>: operating a multi-node deployment (read-only).</summary>
public static class ClusterEndpoints
{
    private static readonly TimeSpan LocalAskTimeout = TimeSpan.FromSeconds(5);
    private const int DefaultEntityIdsPerShard = 1000;
    private const int MaxEntityIdsPerShard = 10_000;

    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder routes)
    {
        var cluster = routes.MapGroup("/cluster").WithTags("Cluster").RequireAuthorization(AccessPolicies.Admin);

        cluster.MapGet("", GetClusterStatus)
            .WithName("GetClusterStatus")
            .WithSummary("Cluster membership as this node sees it")
            .WithDescription("This node's address and status, the leader, every member with its status and reachability, and whether the projectors' singleton runs here.");

        cluster.MapGet("/shards", GetLocalShards)
            .WithName("GetLocalShards")
            .WithSummary("Account shards hosted by this node")
            .WithDescription($"The shards of the account region that live on this node, with how many accounts are active in each and at most 'limit' of their ids (1 to {MaxEntityIdsPerShard}, default {DefaultEntityIdsPerShard}).");

        return routes;
    }

    private static async Task<Ok<ClusterStatusResponse>> GetClusterStatus(ActorSystem system, ReadModelOptions readModel, CancellationToken cancellationToken)
    {
        var projections = new ReadModelLayout(readModel.Version).ProjectionsSingletonName;
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var members = state.Members
            .Select(m => new ClusterMemberResponse(m.Address.ToString(), m.Status.ToString(), !state.Unreachable.Contains(m), [.. m.Roles]))
            .ToList();
        return TypedResults.Ok(new ClusterStatusResponse(
            cluster.SelfAddress.ToString(), cluster.SelfMember.Status.ToString(), state.Leader?.ToString(),
            await RunsLocallyAsync(system, $"/user/{projections}/{projections}", cancellationToken),
            members));
    }

    private static async Task<Results<Ok<ShardsResponse>, ProblemHttpResult>> GetLocalShards(
        [DescriptionFormat("Account ids listed per shard at most, 1 to {0} (default {1}).", MaxEntityIdsPerShard, DefaultEntityIdsPerShard)] string? limit,
        ActorSystem system, IRequiredActor<AccountActor> region, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParse(limit, nameof(limit), DefaultEntityIdsPerShard, 1, MaxEntityIdsPerShard, out var perShard, out var problem))
        {
            return problem;
        }
        var accounts = await region.GetAsync(cancellationToken);
        var state = await accounts.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, LocalAskTimeout, cancellationToken);
        return TypedResults.Ok(new ShardsResponse(
            Cluster.Get(system).SelfAddress.ToString(),
            Actors.Hosting.AkkaBuilderExtensions.AccountRegionName,
            [.. state.Shards.OrderBy(s => s.ShardId, StringComparer.Ordinal).Select(s =>
                new ShardResponse(s.ShardId, s.EntityIds.Count, [.. s.EntityIds.Order(StringComparer.Ordinal).Take((int)perShard)]))]));
    }

    private static async Task<bool> RunsLocallyAsync(ActorSystem system, string path, CancellationToken cancellationToken)
    {
        try
        {
            await system.ActorSelection(path).ResolveOne(LocalAskTimeout, cancellationToken);
            return true;
        }
        catch (ActorNotFoundException)
        {
            return false;
        }
    }
}
