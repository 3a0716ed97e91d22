using Akka.Cluster.Hosting;
using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BankAccounts.ReadModel;

public static class ReadModelHosting
{
    /// <summary>The EF Core read model (a pooled <see cref="IDbContextFactory{ReadModelDbContext}"/>) and the rebuild control.</summary>
    /// <param name="configureDb">Extra EF Core configuration, e.g. interceptors.</param>
    public static IServiceCollection AddReadModel(this IServiceCollection services, ReadModelOptions options, Action<DbContextOptionsBuilder>? configureDb = null)
    {
        services.AddSingleton(options);
        services.AddPooledDbContextFactory<ReadModelDbContext>(builder =>
        {
            ReadModelDatabase.Configure(builder, options);
            configureDb?.Invoke(builder);
        });
        services.AddSingleton<IProjectionControl, ProjectionControl>();
        foreach (var projection in ProjectionSupervisor.Projections())
        {
            services.AddSingleton(projection);
        }
        services.AddSingleton<Integrity.LedgerIntegrityCheck>();
        services.AddSingleton<ICommandHistory, Idempotency.ReadModelCommandHistory>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<Idempotency.CommandHistoryPruner>();
        return services;
    }

    /// <summary>
    /// Creates the read model schema (on every node: every node serves queries) and starts the projectors
    /// and the stalled-transfer sweeper as cluster singletons: exactly one of each in the cluster, on the
    /// oldest node, moved to the next oldest when that node leaves or is downed. A single node is a
    /// cluster of one, so it runs them itself. Requires <see cref="AddReadModel"/> and clustering.
    /// </summary>
    public static AkkaConfigurationBuilder WithReadModelProjections(this AkkaConfigurationBuilder builder, ReadModelOptions options) =>
        builder
            .WithCustomSerializer(ProjectionMessagesSerializer.Name, ProjectionMessagesSerializer.BoundTypes, system => new ProjectionMessagesSerializer(system))
            .WithActors((_, _, _) => ReadModelDatabase.EnsureCreatedAsync(options).GetAwaiter().GetResult())
            .WithSingleton<ProjectionSupervisor>(
                ProjectionsSingletonName,
                (_, _, resolver) => ProjectionSupervisor.Props(
                    resolver.GetService<IDbContextFactory<ReadModelDbContext>>(), options,
                    resolver.GetService<IEnumerable<IProjection>>(), resolver.GetService<TimeProvider>()),
                new ClusterSingletonOptions
                {
                    TerminationMessage = ProjectionSupervisor.StopProjections.Instance,
                    // The proxy's "failed to find an associated singleton ... after 30 seconds" warning fires at once, on
                    // every start and every change of oldest node (its timer's first tick has no delay: akkadotnet/akka.net#8568).
                    // The projections' readiness check reports what matters (parked or stopped projections).
                    LogSingletonIdentificationFailure = false,
                },
                createProxyToo: true)
            .WithSingleton<StalledTransferSweeper>(
                SweeperSingletonName,
                (_, registry, resolver) => StalledTransferSweeper.Props(
                    resolver.GetService<IDbContextFactory<ReadModelDbContext>>(), registry.Get<TransferProcessActor>(), options.StalledTransferAfter,
                    resolver.GetService<TimeProvider>() ?? TimeProvider.System),
                new ClusterSingletonOptions(),
                createProxyToo: false);

    /// <summary>Name of the projectors' singleton (its manager is <c>/user/projections</c>).</summary>
    public const string ProjectionsSingletonName = "projections";

    public const string SweeperSingletonName = "stalled-transfer-sweeper";
}
