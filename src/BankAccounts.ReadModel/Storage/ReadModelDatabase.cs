using BankAccounts.Actors.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Storage;

public static class ReadModelDatabase
{
    /// <summary>Raise whenever the read model's tables change: existing read models are then rebuilt from zero.</summary>
    public const int SchemaVersion = 2;

    public static void Configure(DbContextOptionsBuilder builder, ReadModelOptions options)
    {
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                builder.UseSqlite(options.ConnectionString);
                break;
            case StorageProvider.PostgreSql:
                builder.UseNpgsql(options.ConnectionString);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown read model provider.");
        }
    }

    /// <summary>
    /// Creates the schema when it does not exist; drops and recreates it when it was made by another
    /// schema version. Either way the projectors then fill it from offset zero: the journal is the truth.
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
        if (!await db.Database.EnsureCreatedAsync(cancellationToken) && !await HasCurrentSchemaAsync(db, cancellationToken))
        {
            await db.Database.EnsureDeletedAsync(cancellationToken);
            if (options.Provider == StorageProvider.Sqlite)
            {
                SqliteDatabase.Prepare(options.ConnectionString);
            }
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }
        if (!await db.SchemaInfo.AnyAsync(cancellationToken))
        {
            db.SchemaInfo.Add(new SchemaInfo { Version = SchemaVersion });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static async Task<bool> HasCurrentSchemaAsync(ReadModelDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            return await db.SchemaInfo.AnyAsync(i => i.Version == SchemaVersion, cancellationToken);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.PostgresException)
        {
            return false; // no schema_info table: made before versioning
        }
    }
}
