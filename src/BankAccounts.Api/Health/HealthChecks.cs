using System.Data.Common;
using Akka.Actor;
using Akka.Cluster;
using BankAccounts.Actors.Hosting;
using BankAccounts.Actors.Persistence;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace BankAccounts.Api.Health;

/// <summary>Liveness (the process and its actor system run) and readiness (this node may take traffic).</summary>
public static class BankAccountsHealthChecks
{
    public const string Live = "live";
    public const string Ready = "ready";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddBankAccountsHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ActorSystemHealthCheck>("actor-system", HealthStatus.Unhealthy, [Live, Ready], CheckTimeout)
            .AddCheck<ClusterMembershipHealthCheck>("cluster-membership", HealthStatus.Unhealthy, [Ready], CheckTimeout)
            .AddCheck<JournalDatabaseHealthCheck>("journal-database", HealthStatus.Unhealthy, [Ready], CheckTimeout)
            .AddCheck<ReadModelDatabaseHealthCheck>("read-model-database", HealthStatus.Unhealthy, [Ready], CheckTimeout)
            .AddCheck<ParkedStreamsHealthCheck>("projections", HealthStatus.Degraded, [Ready], CheckTimeout);
        return services;
    }
}

/// <summary>The actor system has not terminated (it does when the node is downed or leaves).</summary>
internal sealed class ActorSystemHealthCheck(ActorSystem system) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(system.WhenTerminated.IsCompleted
            ? HealthCheckResult.Unhealthy("The actor system has terminated.")
            : HealthCheckResult.Healthy());
}

/// <summary>This node is an Up member of the cluster (not joining, leaving, downed or alone after a failed join).</summary>
internal sealed class ClusterMembershipHealthCheck(ActorSystem system) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Cluster.Get(system);
        var self = cluster.SelfMember;
        var data = new Dictionary<string, object>
        {
            ["status"] = self.Status.ToString(),
            ["members"] = cluster.State.Members.Count,
            ["unreachable"] = cluster.State.Unreachable.Count,
        };
        return Task.FromResult(self.Status == MemberStatus.Up
            ? HealthCheckResult.Healthy($"Up in a cluster of {cluster.State.Members.Count}.", data)
            : HealthCheckResult.Unhealthy($"This node is {self.Status}, not Up.", data: data));
    }
}

/// <summary>The journal and snapshot database answers a query.</summary>
internal sealed class JournalDatabaseHealthCheck(BankAccountsOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using DbConnection connection = options.Journal.Provider switch
            {
                StorageProvider.PostgreSql => new NpgsqlConnection(options.Journal.ConnectionString),
                _ => new SqliteConnection(options.Journal.ConnectionString),
            };
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{options.Journal.Provider} answers.");
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{options.Journal.Provider} journal unreachable.", e);
        }
    }
}

/// <summary>
/// The read model database answers and this node's read model version serves: not ready while it is being built
/// (with its progress), so a load balancer keeps reads on the nodes of the version that serves meanwhile.
/// </summary>
internal sealed class ReadModelDatabaseHealthCheck(
    IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options, ReadModelVersionMonitor monitor, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.SchemaInfo.AsNoTracking().AnyAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{options.Provider} read model unreachable.", e);
        }
        var status = monitor.Current;
        var data = new Dictionary<string, object>
        {
            ["version"] = status.Version.Version,
            ["state"] = status.Version.State.ToString().ToLowerInvariant(),
            ["eventsDone"] = status.Version.EventsDone,
            ["eventsTotal"] = status.Version.EventsTotal,
        };
        var description = $"{options.Provider} answers, read model version {status.Version.Version} {status.Describe(clock.GetUtcNow())}.";
        return status.Serves ? HealthCheckResult.Healthy(description, data) : HealthCheckResult.Unhealthy(description, data: data);
    }
}

/// <summary>
/// Degraded (not unhealthy: every other stream is current) while a projection has parked streams, with how many per
/// projection; an operator retries or skips them (<c>/admin/projections/parked</c>).
/// </summary>
internal sealed class ParkedStreamsHealthCheck(IProjectionControl control) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var counts = await control.ParkedStreamCountsAsync(cancellationToken);
        var data = counts.ToDictionary(c => c.Key, c => (object)c.Value);
        var parked = counts.Where(c => c.Value > 0).Select(c => $"{c.Key}: {c.Value}").ToList();
        return parked.Count == 0
            ? HealthCheckResult.Healthy("No parked streams.", data)
            : HealthCheckResult.Degraded($"Parked streams ({string.Join(", ", parked)}); see /admin/projections/parked.", data: data);
    }
}
