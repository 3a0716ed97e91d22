using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Actors;
using BankAccounts.Actors.Hosting;
using BankAccounts.Domain;
using BankAccounts.ReadModel;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BankAccounts.Testing;

/// <summary>
/// The production write side (<see cref="AkkaBuilderExtensions.WithBankAccounts"/>), and optionally
/// the read side, in a generic host on real SQLite files in a temp folder. Several hosts can be
/// started one after another on the same files to prove recovery.
/// </summary>
public sealed class AccountsTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AccountsTestHost(IHost host, string databasePath, ReadModelOptions? readModel)
    {
        _host = host;
        DatabasePath = databasePath;
        ReadModel = readModel;
        System = host.Services.GetRequiredService<ActorSystem>();
        Region = host.Services.GetRequiredService<ActorRegistry>().Get<AccountActor>();
        Transfers = host.Services.GetRequiredService<ActorRegistry>().Get<TransferProcessActor>();
        ReadJournal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>("akka.persistence.query.journal.sql");
    }

    public string DatabasePath { get; }

    /// <summary>Null when the host runs the write side only.</summary>
    public ReadModelOptions? ReadModel { get; }

    public IServiceProvider Services => _host.Services;

    public ActorSystem System { get; }

    public IActorRef Region { get; }

    /// <summary>The transfer process managers' shard region.</summary>
    public IActorRef Transfers { get; }

    public SqlReadJournal ReadJournal { get; }

    public static string NewDatabasePath()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bankaccounts-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "journal.db");
    }

    public static AccountsTestHost Start(string? databasePath = null, Action<BankAccountsOptions>? configure = null, TimeProvider? clock = null) =>
        Start(databasePath, configure, readModel: null);

    /// <summary>Write side plus projectors into a read model file next to the journal.</summary>
    public static AccountsTestHost StartWithReadModel(
        string? databasePath = null, Action<BankAccountsOptions>? configure = null,
        Action<DbContextOptionsBuilder>? configureDb = null, Action<ReadModelOptions>? configureReadModel = null)
    {
        databasePath ??= NewDatabasePath();
        var readModel = new ReadModelOptions
        {
            ConnectionString = $"Data Source={Path.Combine(Path.GetDirectoryName(databasePath)!, "readmodel.db")}",
            MinRetryBackoff = TimeSpan.FromMilliseconds(20),
            MaxRetryBackoff = TimeSpan.FromMilliseconds(200),
        };
        configureReadModel?.Invoke(readModel);
        return Start(databasePath, configure, readModel, configureDb);
    }

    private static AccountsTestHost Start(
        string? databasePath, Action<BankAccountsOptions>? configure, ReadModelOptions? readModel,
        Action<DbContextOptionsBuilder>? configureDb = null, TimeProvider? clock = null)
    {
        databasePath ??= NewDatabasePath();
        var options = new BankAccountsOptions();
        options.Journal.ConnectionString = $"Data Source={databasePath};Pooling=True";
        configure?.Invoke(options);
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                if (readModel is not null)
                {
                    services.AddReadModel(readModel, configureDb);
                }
                services.AddAkka(BankAccountsOptions.ActorSystemName, builder =>
                {
                    builder
                        .WithBankAccounts(options, clock)
                        .AddHocon(Akka.TestKit.Xunit2.TestKit.DefaultConfig, HoconAddMode.Append);
                    if (readModel is not null)
                    {
                        builder.WithReadModelProjections(readModel);
                    }
                });
            })
            .Build();
        host.Start();
        return new AccountsTestHost(host, databasePath, readModel);
    }

    /// <summary>The highest journal ordering written so far under <paramref name="tag"/>: where a caught-up projection of that tag stands.</summary>
    public long JournalHeadOffset(string tag)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(ordering), 0) FROM journal WHERE tags LIKE $tag";
        command.Parameters.AddWithValue("$tag", $"%;{tag};%");
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Waits (bounded) until every projection has applied everything its tag holds now.</summary>
    public async Task WaitForProjections(TimeSpan? deadline = null)
    {
        var heads = BankAccounts.ReadModel.Projections.ProjectionSupervisor.Projections().ToDictionary(p => p.Name, p => JournalHeadOffset(p.Streams.Tag));
        var control = Services.GetRequiredService<BankAccounts.ReadModel.Projections.IProjectionControl>();
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var offsets = await control.OffsetsAsync();
            if (heads.All(h => offsets[h.Key] >= h.Value))
            {
                return;
            }
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Projections behind: reached {string.Join(", ", offsets)}; heads {string.Join(", ", heads)}.");
            }
            await Task.Delay(20);
        }
    }

    public ReadModelDbContext OpenReadModel()
    {
        var builder = new DbContextOptionsBuilder<ReadModelDbContext>();
        ReadModelDatabase.Configure(builder, ReadModel ?? throw new InvalidOperationException("This host has no read model."));
        return new ReadModelDbContext(builder.Options);
    }

    /// <summary>
    /// Sends a command; one nobody attributed is sent as <see cref="Domain.Security.Principal.System"/>
    /// (these specs are about the write side; who may do what is specified in the domain and over HTTP).
    /// </summary>
    public Task<CommandOutcome> Send(AccountCommand command) => Region.Ask<CommandOutcome>(Attributed(command), TimeSpan.FromSeconds(15));

    /// <summary>The command as sent by these specs: one nobody attributed acts as the system.</summary>
    public static T Attributed<T>(T command) where T : AccountCommand =>
        command.Principal == Domain.Security.Principal.Anonymous ? command with { Principal = Domain.Security.Principal.System } : command;

    /// <summary>The request as sent by these specs: one nobody attributed acts as the system.</summary>
    public static RequestTransfer Attributed(RequestTransfer request) =>
        request.Principal == Domain.Security.Principal.Anonymous ? request with { Principal = Domain.Security.Principal.System } : request;

    /// <summary>Answered with the transfer's state once requested, or a <see cref="CommandRejected"/>.</summary>
    public Task<object> Send(RequestTransfer request) => Transfers.Ask<object>(Attributed(request), TimeSpan.FromSeconds(15));

    public Task<TransferState> TransferOf(TransferId id) =>
        Transfers.Ask<TransferState>(new TransferMessages.GetTransfer(id), TimeSpan.FromSeconds(15));

    /// <summary>Waits (bounded) until the transfer is completed or failed.</summary>
    public async Task<TransferState> TransferOutcome(TransferId id, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var state = await TransferOf(id);
            if (state.Status is TransferStatus.Completed or TransferStatus.Failed)
            {
                return state;
            }
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Transfer {id} still {state.Status} after its deadline: {string.Join(" / ", state.Steps.Select(s => s.Step))}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>How many account entities are alive (not passivated) right now.</summary>
    public async Task<int> ActiveAccountCount()
    {
        var state = await Region.Ask<Akka.Cluster.Sharding.CurrentShardRegionState>(
            Akka.Cluster.Sharding.GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.Sum(s => s.EntityIds.Count);
    }

    /// <summary>The whole state of an account the spec opened.</summary>
    public async Task<AccountState.Opened> StateOf(AccountId id) =>
        await Region.Ask<AccountState>(new AccountMessages.GetAccountState(id), TimeSpan.FromSeconds(15)) as AccountState.Opened
        ?? throw new InvalidOperationException($"Account {id} was never opened.");

    /// <summary>What the journal holds for the account, read back through Akka.Persistence.Query.</summary>
    public async Task<IReadOnlyList<EventEnvelope>> StoredEvents(AccountId id) =>
        await ReadJournal.CurrentEventsByPersistenceId(AccountPersistenceId.For(id), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), System.Materializer());

    /// <summary>Snapshot rows kept for the account, straight from the SQLite file.</summary>
    public long[] StoredSnapshotSequenceNrs(AccountId id)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number FROM snapshot WHERE persistence_id = $id ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", AccountPersistenceId.For(id));
        using var reader = command.ExecuteReader();
        var result = new List<long>();
        while (reader.Read())
        {
            result.Add(reader.GetInt64(0));
        }
        return [.. result];
    }

    /// <summary>
    /// Waits (bounded) until exactly one snapshot is stored, at or after <paramref name="sequenceNr"/>, and
    /// returns its sequence number. Snapshots are saved after the reply and older ones pruned after that;
    /// one save runs at a time, so one that falls due meanwhile is taken when it finishes, a few events later.
    /// </summary>
    public async Task<long> WaitForSingleSnapshot(AccountId id, long sequenceNr, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var stored = StoredSnapshotSequenceNrs(id);
            if (stored is [var only] && only >= sequenceNr)
            {
                return only;
            }
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"No single snapshot at or after {sequenceNr}: {string.Join(",", stored)}");
            }
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
