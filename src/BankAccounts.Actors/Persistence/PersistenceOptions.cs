namespace BankAccounts.Actors.Persistence;

public enum StorageProvider
{
    /// <summary>Embedded, a file on this machine: the single-node default.</summary>
    Sqlite = 0,
    /// <summary>A shared server: what a cluster uses.</summary>
    PostgreSql = 1,
}

/// <summary>Where events and snapshots live (configuration section <c>BankAccounts:Journal</c>).</summary>
public sealed class PersistenceOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>For SQLite a relative path is resolved against the working directory; its folder is created.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/journal.db";

    /// <summary>SQLite only: when commits are forced to disk (see <see cref="Persistence.SqliteSynchronous"/> for the trade-off).</summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>Name of the linq2db provider Akka.Persistence.Sql uses for <see cref="Provider"/>.</summary>
    public string LinqToDbProviderName => Provider switch
    {
        StorageProvider.Sqlite => "SQLite.MS",
        StorageProvider.PostgreSql => "PostgreSQL.15",
        _ => throw new ArgumentOutOfRangeException(nameof(Provider), Provider, null),
    };
}
