using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.Actors.Persistence;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

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
    /// This node's read model version (<see cref="ReadModelVersionMonitor"/>: readiness, reads refused while it builds, the switch
    /// once it has caught up), measured against the journal of <paramref name="journal"/>. Requires <see cref="AddReadModel"/>.
    /// </summary>
    public static IServiceCollection AddReadModelVersionMonitor(this IServiceCollection services, PersistenceOptions journal)
    {
        services.AddSingleton(provider => new ReadModelVersionMonitor(
            provider.GetRequiredService<IDbContextFactory<ReadModelDbContext>>(), provider.GetRequiredService<ReadModelOptions>(), journal,
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<ReadModelVersionMonitor>>()));
        services.AddHostedService(provider => provider.GetRequiredService<ReadModelVersionMonitor>());
        return services;
    }

    /// <summary>
    /// Creates this node's read model version (on every node: every node serves queries) and starts its projectors and
    /// the stalled-transfer sweeper as cluster singletons: exactly one of each in the cluster, on the oldest node that
    /// can run it, moved to the next oldest when that node leaves or is downed. The projectors of a version run only on
    /// nodes of that version (the node carries the role <see cref="ReadModelLayout.ClusterRole"/>), so in a cluster of two
    /// builds each version is projected by its own nodes, into its own tables. A single node is a cluster of one, so it
    /// runs them itself. Requires <see cref="AddReadModel"/> and clustering.
    /// </summary>
    public static AkkaConfigurationBuilder WithReadModelProjections(this AkkaConfigurationBuilder builder, ReadModelOptions options)
    {
        var layout = new ReadModelLayout(options.Version);
        return builder
            // The node's only role, derived from a setting, hence not in config/akka.hocon.
            .AddHocon(ConfigurationFactory.ParseString($"akka.cluster.roles = [\"{layout.ClusterRole}\"]"), HoconAddMode.Prepend)
            .WithCustomSerializer(ProjectionMessagesSerializer.Name, ProjectionMessagesSerializer.BoundTypes, system => new ProjectionMessagesSerializer(system))
            .WithActors((_, _, resolver) =>
            {
                var created = ReadModelDatabase.EnsureCreatedAsync(options, resolver.GetService<TimeProvider>() ?? TimeProvider.System).GetAwaiter().GetResult();
                resolver.GetService<ReadModelVersionMonitor>()?.Created(created);
            })
            .WithSingleton<ProjectionSupervisor>(
                layout.ProjectionsSingletonName,
                (_, _, resolver) => ProjectionSupervisor.Props(
                    resolver.GetService<IDbContextFactory<ReadModelDbContext>>(), options,
                    resolver.GetService<IEnumerable<IProjection>>(), resolver.GetService<TimeProvider>()),
                new ClusterSingletonOptions
                {
                    Role = layout.ClusterRole,
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
    }

    public const string SweeperSingletonName = "stalled-transfer-sweeper";
}
