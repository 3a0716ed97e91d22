using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Persistence.Sql.Config;
using Akka.Remote.Hosting;
using BankAccounts.Actors.Persistence;
using BankAccounts.Actors.Serialization;
using BankAccounts.Domain;
using LinqToDB;

namespace BankAccounts.Actors.Hosting;

/// <summary>The write side as composable Akka.Hosting pieces; hosts and tests call the same ones.</summary>
public static class AkkaBuilderExtensions
{
    public const string AccountRegionName = "account";
    public const string TransferRegionName = "transfer";

    /// <summary>Serialization, persistence, cluster membership and the account shard region.</summary>
    public static AkkaConfigurationBuilder WithBankAccounts(this AkkaConfigurationBuilder builder, BankAccountsOptions options, TimeProvider? clock = null) =>
        builder
            .WithBankAccountsSerialization()
            .WithAccountPersistence(options.Journal)
            .WithBankAccountsCluster(options.Cluster)
            .WithAccountRegion(options.Accounts, clock ?? TimeProvider.System)
            .WithTransferRegion(options.Transfers, clock ?? TimeProvider.System);

    public static AkkaConfigurationBuilder WithBankAccountsSerialization(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer(BankAccountsSerializer.Name, StorageManifests.BoundTypes, system => new BankAccountsSerializer(system));

    /// <summary>
    /// Akka.Persistence.Sql journal, snapshot store and read journal on one database, through the plugin's typed
    /// hosting options (Akka.Persistence.Sql.Hosting); its tuning stays in config/akka.hocon (and sqlite.hocon).
    /// </summary>
    public static AkkaConfigurationBuilder WithAccountPersistence(this AkkaConfigurationBuilder builder, PersistenceOptions options)
    {
        if (options.Provider == StorageProvider.Sqlite)
        {
            SqliteDatabase.Prepare(options.ConnectionString);
            // The plugin's connections get SQLite's per-connection settings (busy timeout, synchronous)
            // through linq2db DataOptions; the connection string cannot carry them.
            var synchronous = options.SqliteSynchronous;
            builder.AddSetup(new DataOptionsSetup(new DataOptions()
                .UseConnectionString(options.LinqToDbProviderName, options.ConnectionString)
                .UseAfterConnectionOpened(
                    connection => SqliteDatabase.Configure(connection, synchronous),
                    async (connection, cancellationToken) =>
                    {
                        // Microsoft.Data.Sqlite's async calls complete synchronously, so a journal write
                        // (open, insert, commit) would run inline on the plugin's write stream, which then
                        // never finds two writes queued and commits every event alone. Yielding hands the
                        // write to the thread pool; writes arriving meanwhile share the next transaction
                        // (measured: 1 -> ~20 events per commit under load, CPU per deposit 485 -> ~180 us).
                        await Task.Yield();
                        await SqliteDatabase.ConfigureAsync(connection, synchronous, cancellationToken);
                    })));
            // Appended before akka.hocon, so it takes precedence over it.
            builder.AddHoconFile(Path.Combine(AppContext.BaseDirectory, "config", "sqlite.hocon"), HoconAddMode.Append);
        }
        // The tuning files go in before the plugin, which appends its own defaults after them: the files win.
        builder.AddHoconFile(Path.Combine(AppContext.BaseDirectory, "config", "akka.hocon"), HoconAddMode.Append);
        var journal = new SqlJournalOptions(isDefaultPlugin: true)
        {
            ConnectionString = options.ConnectionString,
            ProviderName = options.LinqToDbProviderName,
            // Csv, not TagTable: TagTable reads are quadratic in this plugin version (docs/architecture.md, Read side).
            TagStorageMode = TagMode.Csv,
        };
        var snapshots = new SqlSnapshotOptions(isDefaultPlugin: true)
        {
            ConnectionString = options.ConnectionString,
            ProviderName = options.LinqToDbProviderName,
        };
        return builder.WithSqlPersistence(
            journal,
            snapshots,
            journalBuilder: events => events.AddWriteEventAdapter<EventTagger>("event-tagger", [typeof(AccountEvent), typeof(TransferEvent)]));
    }

    /// <summary>
    /// Remoting (with TLS when <see cref="ClusterNodeOptions.Tls"/> is on), cluster membership and the split brain
    /// resolver; with no seed nodes the node joins itself.
    /// Leaving is graceful: Akka.Hosting runs CoordinatedShutdown when the host stops (SIGTERM), which hands
    /// this node's shards and singletons over before the actor system terminates.
    /// </summary>
    public static AkkaConfigurationBuilder WithBankAccountsCluster(this AkkaConfigurationBuilder builder, ClusterNodeOptions options)
    {
        RemotingTls.CheckSeedNodes(options);
        RemotingTls.CheckExposure(options);
        var remote = new RemoteOptions { HostName = options.Hostname, Port = options.Port, PublicHostName = options.PublicHostname };
        if (options.Tls.Enabled)
        {
            // Loaded here, so a missing or unreadable certificate stops the node at start with the setting to fix.
            remote.EnableSsl = true;
            remote.Ssl = RemotingTls.SslOptions(options.Tls, TimeProvider.System);
        }
        builder
            .WithRemoting(remote)
            .WithClustering(new ClusterOptions
            {
                SeedNodes = options.SeedNodes,
                // Alone (no seed nodes) the node joins itself below; the cluster's info lines would only tell that,
                // starting with "No seed-nodes configured, manual cluster join required", which reads as an error.
                LogInfo = options.SeedNodes.Length == 0 ? false : null,
                SplitBrainResolver = options.SplitBrainResolver switch
                {
                    SplitBrainStrategy.KeepMajority => new KeepMajorityOption(),
                    SplitBrainStrategy.KeepOldest => new KeepOldestOption { DownIfAlone = true },
                    _ => throw new ArgumentOutOfRangeException(nameof(options), options.SplitBrainResolver, "Unknown split brain resolver strategy."),
                },
            });
        if (options.SeedNodes.Length == 0)
        {
            builder.AddStartup((system, _) =>
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            });
        }
        return builder;
    }

    public static AkkaConfigurationBuilder WithAccountRegion(this AkkaConfigurationBuilder builder, AccountsOptions options, TimeProvider clock) =>
        builder.WithShardRegion<AccountActor>(
            AccountRegionName,
            (_, _, resolver) =>
            {
                // The read side registers an indexed history; a host without one reads the journal.
                var history = resolver.GetService<ICommandHistory>() ?? NoCommandHistory.Instance;
                return entityId => AccountActor.Props(entityId, options, clock, history);
            },
            new AccountMessageExtractor(options.ShardCount),
            EntityShardOptions(options.PassivateIdleAfter, AccountMessages.StopAccount.Instance));

    /// <summary>Transfer process managers, sharded by transfer id; they command the account region.</summary>
    public static AkkaConfigurationBuilder WithTransferRegion(this AkkaConfigurationBuilder builder, TransfersOptions options, TimeProvider clock) =>
        builder.WithShardRegion<TransferProcessActor>(
            TransferRegionName,
            (_, registry, _) =>
            {
                var accounts = registry.Get<AccountActor>();
                return entityId => TransferProcessActor.Props(entityId, accounts, options, clock);
            },
            new TransferMessageExtractor(options.ShardCount),
            EntityShardOptions(options.PassivateIdleAfter, TransferMessages.StopTransfer.Instance));

    /// <summary>
    /// Shards without remember-entities (idle entities are passivated, and nothing is restarted
    /// by sharding itself); hand-off and passivation send <paramref name="stopMessage"/> so an
    /// entity can finish its in-flight writes first.
    /// </summary>
    private static ShardOptions EntityShardOptions(TimeSpan passivateIdleAfter, object stopMessage) => new()
    {
        StateStoreMode = StateStoreMode.DData,
        RememberEntities = false,
        ShouldPassivateIdleEntities = true,
        PassivateIdleEntityAfter = passivateIdleAfter,
        HandOffStopMessage = stopMessage,
    };
}
