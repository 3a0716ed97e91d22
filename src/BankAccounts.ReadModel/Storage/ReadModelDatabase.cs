using System.Data.Common;
using BankAccounts.Actors.Persistence;
using BankAccounts.ReadModel.Projections;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace BankAccounts.ReadModel.Storage;

public static class ReadModelDatabase
{
    /// <summary>
    /// The layout this build creates and serves by default. Raise it whenever the read model's tables change: the new
    /// version is then built beside the old one (<see cref="ReadModelLayout"/>) and takes over once it has caught up.
    /// 5: each version in tables of its own, listed in <c>read_model_versions</c>.
    /// </summary>
    public const int SchemaVersion = 5;

    /// <summary>Serialises schema creation and version switches between nodes on one PostgreSQL database.</summary>
    private const long SchemaLockKey = 0x42414E4B_52454144; // "BANKREAD"

    /// <summary>The provider, and the tables of <see cref="ReadModelOptions.Version"/>.</summary>
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
        ReadModelLayoutExtension.Use(builder, new ReadModelLayout(options.Version));
    }

    /// <summary>
    /// Makes sure this node's version (<see cref="ReadModelOptions.Version"/>) has its tables and a row in
    /// <c>read_model_versions</c>, and answers that row. Tables of that version made by another schema (or half made)
    /// are dropped and recreated; nothing of any other version is ever dropped or written, the registry aside. A new
    /// version starts <c>building</c> beside the active one (the projectors fill it from offset zero), or <c>active</c>
    /// when no version is. The legacy set (version 4, unprefixed) is listed the first time a newer build meets it. Safe
    /// when several nodes start at once on the same PostgreSQL database.
    /// </summary>
    public static async Task<ReadModelVersionRow> EnsureCreatedAsync(ReadModelOptions options, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        if (options.Version < SchemaVersion)
        {
            throw new InvalidOperationException(
                $"This build serves read model versions {SchemaVersion} and later, not {options.Version}: an older layout belongs to the build that made it.");
        }
        if (options.Provider == StorageProvider.Sqlite)
        {
            SqliteDatabase.Prepare(options.ConnectionString);
        }
        await using var db = CreateContext(options, options.Version);
        var creator = db.GetService<IRelationalDatabaseCreator>();
        await CreateDatabaseIfMissingAsync(creator, cancellationToken);

        await using var schemaLock = await SchemaLock.AcquireAsync(options, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await ReadModelVersionRegistry.EnsureTableAsync(connection, cancellationToken);
        await ListLegacyVersionAsync(options, connection, clock, cancellationToken);

        var versions = await ReadModelVersionRegistry.ListAsync(connection, null, cancellationToken);
        var own = versions.SingleOrDefault(v => v.Version == options.Version);
        if (own is not null && own.State != ReadModelVersionState.Dropped && own.MadeBySchema != SchemaVersion)
        {
            throw new InvalidOperationException(
                $"Read model version {options.Version} was made by a build of schema {own.MadeBySchema}, not this one ({SchemaVersion}). " +
                $"Drop it (DELETE /admin/read-model/versions/{options.Version}) or choose another BankAccounts:ReadModel:Version.");
        }
        if (own is not null && own.State != ReadModelVersionState.Dropped && await StoredSchemaVersionAsync(db, cancellationToken) == options.Version)
        {
            return own;
        }

        await DropTablesAsync(db, cancellationToken);
        await creator.CreateTablesAsync(cancellationToken);
        db.SchemaInfo.Add(new SchemaInfo { Version = options.Version });
        await db.SaveChangesAsync(cancellationToken);
        var active = versions.SingleOrDefault(v => v.State == ReadModelVersionState.Active)?.Version;
        var state = ReadModelVersionRules.StateWhenCreated(options.Version, active);
        var now = clock.GetUtcNow();
        var created = new ReadModelVersionRow(options.Version, state, SchemaVersion, 0, 0, now, null, state == ReadModelVersionState.Active ? now : null);
        await ReadModelVersionRegistry.SaveAsync(connection, null, created, cancellationToken);
        return created;
    }

    /// <summary>Every version in the registry, oldest first.</summary>
    public static async Task<IReadOnlyList<ReadModelVersionRow>> VersionsAsync(ReadModelOptions options, CancellationToken cancellationToken = default)
    {
        await using var db = CreateContext(options, options.Version);
        await db.Database.OpenConnectionAsync(cancellationToken);
        return await ReadModelVersionRegistry.ListAsync(db.Database.GetDbConnection(), null, cancellationToken);
    }

    /// <summary>Stores how far the rebuild of this node's version got.</summary>
    public static async Task RecordProgressAsync(ReadModelOptions options, RebuildProgress progress, CancellationToken cancellationToken = default)
    {
        await using var db = CreateContext(options, options.Version);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await ReadModelVersionRegistry.RecordProgressAsync(db.Database.GetDbConnection(), options.Version, progress.EventsDone, progress.EventsTotal, cancellationToken);
    }

    /// <summary>
    /// This node's version has caught up: in one transaction it becomes active and the previous active one superseded
    /// (or, when a newer version is already active, it becomes superseded itself). Answers the version's row afterwards.
    /// </summary>
    public static async Task<ReadModelVersionRow> SwitchToCaughtUpAsync(ReadModelOptions options, RebuildProgress progress, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        await using var db = CreateContext(options, options.Version);
        await using var schemaLock = await SchemaLock.AcquireAsync(options, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var versions = await ReadModelVersionRegistry.ListAsync(connection, transaction, cancellationToken);
        var own = versions.Single(v => v.Version == options.Version);
        if (own.State != ReadModelVersionState.Building)
        {
            return own;
        }
        var state = ReadModelVersionRules.StateWhenCaughtUp(options.Version, versions.SingleOrDefault(v => v.State == ReadModelVersionState.Active)?.Version);
        if (state == ReadModelVersionState.Active)
        {
            await ReadModelVersionRegistry.SupersedeActiveAsync(connection, transaction, cancellationToken);
        }
        var now = clock.GetUtcNow();
        var switched = own with
        {
            State = state, EventsDone = progress.EventsDone, EventsTotal = progress.EventsTotal,
            CaughtUpAt = now, ActivatedAt = state == ReadModelVersionState.Active ? now : null,
        };
        await ReadModelVersionRegistry.SaveAsync(connection, transaction, switched, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return switched;
    }

    /// <summary>
    /// Drops the tables of <paramref name="version"/> (the legacy unprefixed set for version 4) and marks it dropped.
    /// The caller has checked <see cref="ReadModelVersionRules.DropRefusal"/>; this re-checks only that it is not active.
    /// </summary>
    public static async Task DropVersionAsync(ReadModelOptions options, int version, CancellationToken cancellationToken = default)
    {
        await using var db = CreateContext(options, version);
        await using var schemaLock = await SchemaLock.AcquireAsync(options, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var row = (await ReadModelVersionRegistry.ListAsync(connection, null, cancellationToken)).SingleOrDefault(v => v.Version == version)
            ?? throw new ArgumentException($"Read model version {version} is not registered.", nameof(version));
        if (row.State == ReadModelVersionState.Active)
        {
            throw new InvalidOperationException($"Read model version {version} is active.");
        }
        await DropTablesAsync(db, cancellationToken);
        await ReadModelVersionRegistry.SaveAsync(connection, null, row with { State = ReadModelVersionState.Dropped }, cancellationToken);
    }

    /// <summary>A context on <paramref name="version"/>'s tables, outside the application's pool.</summary>
    private static ReadModelDbContext CreateContext(ReadModelOptions options, int version)
    {
        var builder = new DbContextOptionsBuilder<ReadModelDbContext>();
        Configure(builder, options);
        ReadModelLayoutExtension.Use(builder, new ReadModelLayout(version));
        return new ReadModelDbContext(builder.Options);
    }

    /// <summary>
    /// Lists the unprefixed tables of the last in-place release (their <c>schema_info</c> says 4) as version 4: active
    /// when no listed version is (its nodes are the ones serving), superseded otherwise. Never touches those tables.
    /// </summary>
    private static async Task ListLegacyVersionAsync(ReadModelOptions options, DbConnection connection, TimeProvider clock, CancellationToken cancellationToken)
    {
        var versions = await ReadModelVersionRegistry.ListAsync(connection, null, cancellationToken);
        if (versions.Any(v => v.Version == ReadModelLayout.LegacyVersion))
        {
            return;
        }
        await using var legacy = CreateContext(options, ReadModelLayout.LegacyVersion);
        if (await StoredSchemaVersionAsync(legacy, cancellationToken) != ReadModelLayout.LegacyVersion)
        {
            return;
        }
        var state = versions.Any(v => v.State == ReadModelVersionState.Active) ? ReadModelVersionState.Superseded : ReadModelVersionState.Active;
        var now = clock.GetUtcNow();
        await ReadModelVersionRegistry.SaveAsync(connection, null,
            new ReadModelVersionRow(ReadModelLayout.LegacyVersion, state, ReadModelLayout.LegacyVersion, 0, 0, now, null, state == ReadModelVersionState.Active ? now : null),
            cancellationToken);
    }

    /// <summary>Drops the tables of the context's version, and only them (the database may be shared, e.g. with the journal).</summary>
    private static async Task DropTablesAsync(ReadModelDbContext db, CancellationToken cancellationToken)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct())
        {
            // The table names come from the model, delimited by the provider: nothing from outside.
#pragma warning disable EF1003
            await db.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS " + sql.DelimitIdentifier(table), cancellationToken);
#pragma warning restore EF1003
        }
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
