using Npgsql;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL started by <c>scripts/postgres.sh</c> (which installs it with apt if absent) on
/// a free loopback port with its own temp data folder; purged (stopped and deleted) at the end. Each test
/// gets fresh databases on it.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly Dictionary<string, string> _environment;

    public PostgresServer()
    {
        Port = Ports.Free();
        DataFolder = Path.Combine(Path.GetTempPath(), "bankaccounts-cluster-tests", $"postgres-{Port}-{Guid.NewGuid():N}");
        _environment = new Dictionary<string, string>
        {
            ["BANK_PG_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BANK_PG_DIR"] = DataFolder,
        };
    }

    public int Port { get; }

    public string DataFolder { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=bank;Password=bank;Timeout=5";

    public async Task InitializeAsync() =>
        // Generous: on a clean machine this includes apt-get install postgresql.
        await Shell.RunScriptAsync("postgres.sh", _environment, TimeSpan.FromMinutes(10), "start");

    /// <summary>A new, empty database owned by the test role; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await Shell.RunScriptAsync("postgres.sh", _environment, TimeSpan.FromMinutes(2), "purge");
    }
}
