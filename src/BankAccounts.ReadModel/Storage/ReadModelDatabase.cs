using BankAccounts.Actors.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Storage;

public static class ReadModelDatabase
{
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

    /// <summary>Creates the schema when it does not exist yet (the read model can always be rebuilt from the journal).</summary>
    public static async Task EnsureCreatedAsync(ReadModelOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Provider == StorageProvider.Sqlite)
        {
            SqliteDatabase.Prepare(options.ConnectionString);
        }
        var builder = new DbContextOptionsBuilder<ReadModelDbContext>();
        Configure(builder, options);
        await using var db = new ReadModelDbContext(builder.Options);
        await db.Database.EnsureCreatedAsync(cancellationToken);
    }
}
