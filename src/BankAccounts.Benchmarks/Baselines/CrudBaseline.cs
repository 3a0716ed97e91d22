using System.Data.Common;
using BankAccounts.Actors.Persistence;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BankAccounts.Benchmarks.Baselines;

/// <summary>
/// The CRUD way to take a deposit, for comparison: an EF Core balance row per account, loaded,
/// changed and saved with an optimistic concurrency check (retried on conflict), one transaction
/// per deposit, on the same database engine and connection settings as the journal.
/// </summary>
internal static class CrudBaseline
{
    private const int MaxAttempts = 20;

    /// <summary>Seeds the balance rows, then runs the deposits at each concurrency; the best run is the baseline (CRUD is not handicapped by a concurrency it copes badly with).</summary>
    public static async Task<IReadOnlyList<(int Concurrency, LoadResult Result)>> RunAsync(
        BenchmarkStore store, int accounts, int deposits, IEnumerable<int> concurrencies)
    {
        var options = Configure(store).Options;
        await using (var db = new CrudDbContext(options))
        {
            await db.Database.EnsureCreatedAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Accounts.AddRange(Enumerable.Range(0, accounts).Select(_ => new CrudAccount { Id = Guid.NewGuid(), Currency = "EUR" }));
            await db.SaveChangesAsync();
        }
        Guid[] ids;
        await using (var db = new CrudDbContext(options))
        {
            ids = await db.Accounts.Select(a => a.Id).ToArrayAsync();
        }

        var factory = new PooledDbContextFactory<CrudDbContext>(options);
        var results = new List<(int, LoadResult)>();
        foreach (var concurrency in concurrencies)
        {
            results.Add((concurrency, await LoadDriver.ClosedLoopAsync(deposits, concurrency, _ => DepositAsync(factory, ids[Random.Shared.Next(ids.Length)]))));
        }
        return results;
    }

    private static async Task<bool> DepositAsync(IDbContextFactory<CrudDbContext> factory, Guid id)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync();
            var account = await db.Accounts.SingleAsync(a => a.Id == id);
            account.Balance += 10.00m;
            account.Version++;
            try
            {
                await db.SaveChangesAsync();
                return true;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone else deposited in between: read again and retry, as a CRUD service would.
            }
        }
    }

    private static DbContextOptionsBuilder<CrudDbContext> Configure(BenchmarkStore store)
    {
        var builder = new DbContextOptionsBuilder<CrudDbContext>();
        if (store.Provider == StorageProvider.Sqlite)
        {
            SqliteDatabase.Prepare(store.ScratchConnectionString);
            builder.UseSqlite(store.ScratchConnectionString).AddInterceptors(new SqliteSettings(store.Synchronous));
        }
        else
        {
            builder.UseNpgsql(store.ScratchConnectionString);
        }
        return builder;
    }

    /// <summary>The journal's per-connection SQLite settings, so both sides run with the same durability.</summary>
    private sealed class SqliteSettings(SqliteSynchronous synchronous) : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
            SqliteDatabase.Configure(connection, synchronous);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
            SqliteDatabase.ConfigureAsync(connection, synchronous, cancellationToken);
    }

    private sealed class CrudAccount
    {
        public Guid Id { get; set; }
        public string Currency { get; set; } = string.Empty;
        public decimal Balance { get; set; }
        public long Version { get; set; }
    }

    private sealed class CrudDbContext(DbContextOptions<CrudDbContext> options) : DbContext(options)
    {
        public DbSet<CrudAccount> Accounts => Set<CrudAccount>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.Entity<CrudAccount>(account =>
            {
                account.ToTable("crud_accounts");
                account.HasKey(a => a.Id);
                account.Property(a => a.Currency).HasMaxLength(3);
                account.Property(a => a.Version).IsConcurrencyToken();
            });
    }
}
