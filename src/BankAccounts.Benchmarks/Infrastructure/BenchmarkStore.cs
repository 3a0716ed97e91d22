using System.Data.Common;
using BankAccounts.Actors.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BankAccounts.Benchmarks.Infrastructure;

/// <summary>
/// A fresh, empty journal database and read model database for one scenario: SQLite files in a
/// temp folder, or two new databases on a PostgreSQL server. Dropped again on dispose.
/// </summary>
internal abstract class BenchmarkStore : IAsyncDisposable
{
    public abstract StorageProvider Provider { get; }

    /// <summary>SQLite's synchronous setting for the journal (the production default unless the run overrides it) and the baselines alike.</summary>
    public SqliteSynchronous Synchronous { get; init; } = new PersistenceOptions().SqliteSynchronous;

    public abstract string JournalConnectionString { get; }

    public abstract string ReadModelConnectionString { get; }

    /// <summary>An extra database for a baseline, with the same settings as the journal's.</summary>
    public abstract string ScratchConnectionString { get; }

    /// <summary>An open ADO.NET connection with the settings the production journal uses on this provider.</summary>
    public abstract Task<DbConnection> OpenAsync(string connectionString);

    public abstract ValueTask DisposeAsync();

    public static async Task<BenchmarkStore> CreateAsync(BenchmarkOptions options, string name) =>
        options.Provider == "postgres"
            ? await PostgresStore.CreateAsync(options.PostgresConnectionString ?? throw new InvalidOperationException("No PostgreSQL connection string."), name)
            : SqliteStore.Create(name, options.Synchronous ?? new PersistenceOptions().SqliteSynchronous);
}

internal sealed class SqliteStore : BenchmarkStore
{
    private readonly string _folder;

    private SqliteStore(string folder)
    {
        _folder = folder;
    }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string JournalConnectionString => $"Data Source={Path.Combine(_folder, "journal.db")}";

    public override string ReadModelConnectionString => $"Data Source={Path.Combine(_folder, "readmodel.db")}";

    public override string ScratchConnectionString => $"Data Source={Path.Combine(_folder, "baseline.db")}";


    public static SqliteStore Create(string name, SqliteSynchronous synchronous)
    {
        var folder = Path.Combine(Path.GetTempPath(), "bankaccounts-bench", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return new SqliteStore(folder) { Synchronous = synchronous };
    }

    public override async Task<DbConnection> OpenAsync(string connectionString)
    {
        SqliteDatabase.Prepare(connectionString);
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await SqliteDatabase.ConfigureAsync(connection, Synchronous);
        return connection;
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaks a temp folder.
        }
        return ValueTask.CompletedTask;
    }
}

internal sealed class PostgresStore : BenchmarkStore
{
    private readonly string _server;
    private readonly string[] _databases;

    private PostgresStore(string server, string[] databases)
    {
        _server = server;
        _databases = databases;
    }

    public override StorageProvider Provider => StorageProvider.PostgreSql;

    public override string JournalConnectionString => On(_databases[0]);

    public override string ReadModelConnectionString => On(_databases[1]);

    public override string ScratchConnectionString => On(_databases[2]);

    public static async Task<PostgresStore> CreateAsync(string server, string name)
    {
        var prefix = $"bench_{name.Replace('-', '_')}_{Guid.NewGuid():N}"[..30];
        string[] databases = [prefix + "_journal", prefix + "_readmodel", prefix + "_baseline"];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        foreach (var database in databases)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new PostgresStore(server, databases);
    }

    public override async Task<DbConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        foreach (var database in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private string On(string database) => new NpgsqlConnectionStringBuilder(_server) { Database = database }.ConnectionString;
}
