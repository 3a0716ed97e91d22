using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace BankAccounts.Actors.Persistence;

/// <summary>Prepares an SQLite database file before anything writes to it, and every connection to it.</summary>
public static class SqliteDatabase
{
    /// <summary>
    /// How long a connection waits inside SQLite for another connection's write to finish. Without
    /// it Microsoft.Data.Sqlite retries a busy database with a blocking <c>Thread.Sleep(150)</c>, so
    /// two writers meeting (journal and snapshot store, two projectors) cost 150 ms each time.
    /// </summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    /// <summary>How much of a database file a connection maps into memory for reading (256 MB of address space).</summary>
    public const long MemoryMapBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Creates the folder and switches the file to write-ahead logging, so readers (queries,
    /// projectors) never block the journal's writers. WAL is a property of the file and sticks.
    /// </summary>
    public static void Prepare(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            return;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The per-connection settings (SQLite keeps them per connection, not in the file), run once on
    /// every physical connection right after it opens. Temporary b-trees and statement journals stay in memory
    /// (by default the journal's multi-row INSERT in a transaction wrote a statement journal to a temp file: 3,548
    /// writes beside 5,931 WAL writes in one strace); pages are read through a memory map, not a read call each
    /// (every write by another connection to the same file empties a connection's page cache: the journal's
    /// connections re-read ~7 pages per deposit with read calls, 0.6 with the map; docs/performance.md).
    /// </summary>
    public static string ConnectionPragmas(SqliteSynchronous synchronous, string extraPragmas = "") =>
        $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = {synchronous.ToString().ToUpperInvariant()}; PRAGMA temp_store = MEMORY; PRAGMA mmap_size = {MemoryMapBytes}; {extraPragmas}";

    /// <summary>
    /// For a database written in large transactions at random places of its indexes (a read model, above all while it
    /// is rebuilt): a checkpoint every ~40 MB of write-ahead log instead of ~4 MB, so a page rewritten by many batches
    /// is copied back to the file once. With the memory map, measured on a rebuild of 100,000 events: 3,700-4,100 →
    /// 5,650-5,750 events/s, alternating runs (docs/performance.md).
    /// </summary>
    public const string BulkWritePragmas = "PRAGMA wal_autocheckpoint = 10000;";

    // Pooled connections keep their settings: remember the native handles already configured.
    private static readonly ConditionalWeakTable<object, object> Configured = [];

    public static void Configure(DbConnection connection, SqliteSynchronous synchronous, string extraPragmas = "")
    {
        if (connection is SqliteConnection { Handle: { } handle } && Configured.TryGetValue(handle, out _))
        {
            return;
        }
        using (var command = connection.CreateCommand())
        {
            command.CommandText = ConnectionPragmas(synchronous, extraPragmas);
            command.ExecuteNonQuery();
        }
        Remember(connection);
    }

    public static async Task ConfigureAsync(DbConnection connection, SqliteSynchronous synchronous, CancellationToken cancellationToken = default, string extraPragmas = "")
    {
        if (connection is SqliteConnection { Handle: { } handle } && Configured.TryGetValue(handle, out _))
        {
            return;
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = ConnectionPragmas(synchronous, extraPragmas);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        Remember(connection);
    }

    private static void Remember(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            Configured.AddOrUpdate(handle, handle);
        }
    }
}

/// <summary>
/// When SQLite forces a commit to the disk (<c>PRAGMA synchronous</c>), in WAL mode.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// Every commit is fsync'ed before it returns: an acknowledged command survives a power loss or
    /// an OS crash. (The journal commits a batch of events at a time, so the fsync is shared.)
    /// </summary>
    Full = 0,

    /// <summary>
    /// Commits reach the OS (they survive a crash of the process) but are fsync'ed only at
    /// checkpoints: a power loss or OS crash can lose the last acknowledged commits, never corrupt
    /// the file.
    /// </summary>
    Normal = 1,
}
