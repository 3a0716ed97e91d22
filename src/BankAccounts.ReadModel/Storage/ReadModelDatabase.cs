using BankAccounts.Actors.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace BankAccounts.ReadModel.Storage;

public static class ReadModelDatabase
{
    /// <summary>Raise whenever the read model's tables change: existing read models are then rebuilt from zero.</summary>
    public const int SchemaVersion = 4;

    /// <summary>Serialises schema creation between nodes starting together on one PostgreSQL database.</summary>
    private const long SchemaLockKey = 0x42414E4B_52454144; // "BANKREAD"

    public static void Configure(DbContextOptionsBuilder builder, ReadModelOptions options)
    {
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                // Busy timeout: the projectors write the same file; without it a meeting costs a 150 ms sleep.
                builder.UseSqlite(options.ConnectionString).AddInterceptors(SqliteConnectionSettings.ReadModel);
                break;
            case StorageProvider.PostgreSql:
                builder.UseNpgsql(options.ConnectionString);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown read model provider.");
        }
    }

    /// <summary>
    /// Creates the read model's tables when they do not exist; drops and recreates them (only them: the
    /// database may be shared, e.g. with the journal) when they were made by another schema version.
    /// Either way the projectors then fill them from offset zero: the journal is the truth. Safe when
    /// several nodes start at once on the same PostgreSQL database.
    /// </summary>
    public static async Task EnsureCreatedAsync(ReadModelOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Provider == StorageProvider.Sqlite)
        {
            SqliteDatabase.Prepare(options.ConnectionString);
        }
        var builder = new DbContextOptionsBuilder<ReadModelDbContext>();
        Configure(builder, options);
        await using var db = new ReadModelDbContext(builder.Options);
        var creator = db.GetService<IRelationalDatabaseCreator>();
        await CreateDatabaseIfMissingAsync(creator, cancellationToken);

        await using var schemaLock = await SchemaLock.AcquireAsync(options, cancellationToken);
        if (await StoredSchemaVersionAsync(db, cancellationToken) == SchemaVersion)
        {
            return;
        }
        var sql = db.GetService<ISqlGenerationHelper>();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct())
        {
            // The table names come from the model, delimited by the provider: nothing from outside.
#pragma warning disable EF1003
            await db.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS " + sql.DelimitIdentifier(table), cancellationToken);
#pragma warning restore EF1003
        }
        await creator.CreateTablesAsync(cancellationToken);
        db.SchemaInfo.Add(new SchemaInfo { Version = SchemaVersion });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task CreateDatabaseIfMissingAsync(IRelationalDatabaseCreator creator, CancellationToken cancellationToken)
    {
        if (await creator.ExistsAsync(cancellationToken))
        {
            return;
        }
        try
        {
            await creator.CreateAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another node created it a moment ago.
        }
    }

    /// <summary>The version recorded in <c>schema_info</c>, or null when there is no such table (no read model, or one made before versioning).</summary>
    private static async Task<int?> StoredSchemaVersionAsync(ReadModelDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.SchemaInfo.AsNoTracking().Select(i => (int?)i.Version).MaxAsync(cancellationToken);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or PostgresException)
        {
            return null;
        }
    }

    /// <summary>A PostgreSQL session-level advisory lock, on a connection of its own; nothing for SQLite (one process owns the file).</summary>
    private sealed class SchemaLock(NpgsqlConnection? connection) : IAsyncDisposable
    {
        public static async Task<SchemaLock> AcquireAsync(ReadModelOptions options, CancellationToken cancellationToken)
        {
            if (options.Provider != StorageProvider.PostgreSql)
            {
                return new SchemaLock(null);
            }
            // Unpooled: the lock belongs to the session, which must end with this connection.
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", SchemaLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new SchemaLock(connection);
        }

        public async ValueTask DisposeAsync()
        {
            if (connection is not null)
            {
                await connection.DisposeAsync(); // ends the session, releasing the lock
            }
        }
    }
}
