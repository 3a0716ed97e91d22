using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
        services.AddSingleton<Integrity.LedgerIntegrityCheck>();
        return services;
    }

    /// <summary>Starts the projectors inside the actor system (requires <see cref="AddReadModel"/>).</summary>
    public static AkkaConfigurationBuilder WithReadModelProjections(this AkkaConfigurationBuilder builder, ReadModelOptions options) =>
        builder.WithActors((system, registry, resolver) =>
        {
            ReadModelDatabase.EnsureCreatedAsync(options).GetAwaiter().GetResult();
            var factory = resolver.GetService<IDbContextFactory<ReadModelDbContext>>();
            var supervisor = system.ActorOf(ProjectionSupervisor.Props(factory, options), "projections");
            registry.Register<ProjectionSupervisor>(supervisor);
            var transfers = registry.Get<TransferProcessActor>();
            system.ActorOf(StalledTransferSweeper.Props(factory, transfers, options.StalledTransferAfter), "stalled-transfer-sweeper");
        });
}
