using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.Actors.Hosting;
using BankAccounts.Domain;
using BankAccounts.ReadModel;
using BankAccounts.ReadModel.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BankAccounts.Benchmarks.Infrastructure;

/// <summary>
/// The production write side (<see cref="AkkaBuilderExtensions.WithBankAccounts"/>) and optionally
/// the read side (<see cref="ReadModelHosting"/>) in a generic host, on a <see cref="BenchmarkStore"/>.
/// </summary>
internal sealed class WriteSideHost : IAsyncDisposable
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private WriteSideHost(IHost host, BankAccountsOptions options)
    {
        _host = host;
        Options = options;
        System = host.Services.GetRequiredService<ActorSystem>();
        Region = host.Services.GetRequiredService<ActorRegistry>().Get<AccountActor>();
    }

    public BankAccountsOptions Options { get; }

    public ActorSystem System { get; }

    public IActorRef Region { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<WriteSideHost> StartAsync(BenchmarkStore store, Action<BankAccountsOptions>? configure = null, ReadModelOptions? readModel = null)
    {
        var options = new BankAccountsOptions();
        options.Journal.Provider = store.Provider;
        options.Journal.ConnectionString = store.JournalConnectionString;
        options.Journal.SqliteSynchronous = store.Synchronous;
        configure?.Invoke(options);
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(services =>
            {
                if (readModel is not null)
                {
                    services.AddReadModel(readModel);
                }
                services.AddAkka(BankAccountsOptions.ActorSystemName, (akka, _) =>
                {
                    akka.ConfigureLoggers(loggers =>
                        {
                            loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                            loggers.ClearLoggers();
                            loggers.AddLoggerFactory();
                        })
                        .WithBankAccounts(options);
                    if (readModel is not null)
                    {
                        akka.WithReadModelProjections(readModel);
                    }
                });
            })
            .Build();
        await host.StartAsync();
        return new WriteSideHost(host, options);
    }

    /// <summary>The actor path measured without the HTTP edge: commands act as the system itself.</summary>
    public Task<CommandOutcome> SendAsync(AccountCommand command) =>
        Region.Ask<CommandOutcome>(command with { Principal = Domain.Security.Principal.System }, AskTimeout);

    public Task<AccountState> StateOfAsync(AccountId id) =>
        Region.Ask<AccountState>(new AccountMessages.GetAccountState(id), AskTimeout);

    /// <summary>The shard an account lives in (to warm a shard up without touching the account).</summary>
    public string ShardOf(AccountId id) =>
        new AccountMessageExtractor(Options.Accounts.ShardCount).ShardId(id.ToString(), null);

    /// <summary>Accounts currently alive on this node (passivated ones are not counted).</summary>
    public async Task<int> LiveEntitiesAsync()
    {
        var state = await Region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, AskTimeout);
        return state.Shards.Sum(s => s.EntityIds.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
