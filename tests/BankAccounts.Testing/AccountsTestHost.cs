using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Actors.Hosting;
using BankAccounts.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BankAccounts.Actors.Tests;

/// <summary>
/// The production write side (<see cref="AkkaBuilderExtensions.WithBankAccounts"/>) in a generic
/// host, on a real SQLite file in a temp folder. Several hosts can be started one after another
/// on the same file to prove recovery.
/// </summary>
public sealed class AccountsTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AccountsTestHost(IHost host, string databasePath)
    {
        _host = host;
        DatabasePath = databasePath;
        System = host.Services.GetRequiredService<ActorSystem>();
        Region = host.Services.GetRequiredService<ActorRegistry>().Get<AccountActor>();
        ReadJournal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>("akka.persistence.query.journal.sql");
    }

    public string DatabasePath { get; }

    public ActorSystem System { get; }

    public IActorRef Region { get; }

    public SqlReadJournal ReadJournal { get; }

    public static string NewDatabasePath()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bankaccounts-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "journal.db");
    }

    public static AccountsTestHost Start(string? databasePath = null, Action<BankAccountsOptions>? configure = null, TimeProvider? clock = null)
    {
        databasePath ??= NewDatabasePath();
        var options = new BankAccountsOptions();
        options.Journal.ConnectionString = $"Data Source={databasePath};Pooling=True";
        configure?.Invoke(options);
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(BankAccountsOptions.ActorSystemName, builder => builder
                .WithBankAccounts(options, clock)
                .AddHocon(Akka.TestKit.Xunit2.TestKit.DefaultConfig, HoconAddMode.Append)))
            .Build();
        host.Start();
        return new AccountsTestHost(host, databasePath);
    }

    public Task<CommandOutcome> Send(AccountCommand command) =>
        Region.Ask<CommandOutcome>(command, TimeSpan.FromSeconds(15));

    public Task<AccountState> StateOf(AccountId id) =>
        Region.Ask<AccountState>(new AccountMessages.GetAccountState(id), TimeSpan.FromSeconds(15));

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

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
