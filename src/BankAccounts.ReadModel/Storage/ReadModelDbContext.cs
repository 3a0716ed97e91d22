using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Storage;

public sealed class ReadModelDbContext(DbContextOptions<ReadModelDbContext> options) : DbContext(options)
{
    public DbSet<AccountSummary> Accounts => Set<AccountSummary>();

    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();

    public DbSet<AccountAlert> Alerts => Set<AccountAlert>();

    public DbSet<ProjectionOffset> Offsets => Set<ProjectionOffset>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AccountSummary>(account =>
        {
            account.ToTable("account_summaries");
            account.HasKey(a => a.AccountId);
            account.Property(a => a.Owner).HasMaxLength(200);
            account.Property(a => a.Currency).HasMaxLength(3);
            account.Property(a => a.Status).HasMaxLength(16);
            account.HasIndex(a => a.Owner);
        });
        modelBuilder.Entity<LedgerEntry>(entry =>
        {
            entry.ToTable("ledger_entries");
            entry.HasKey(e => new { e.AccountId, e.Version });
            entry.Property(e => e.EventType).HasMaxLength(64);
            entry.Property(e => e.Reference).HasMaxLength(140);
        });
        modelBuilder.Entity<AccountAlert>(alert =>
        {
            alert.ToTable("account_alerts");
            alert.HasKey(a => new { a.AccountId, a.Version });
            alert.Property(a => a.Kind).HasMaxLength(64);
            alert.Property(a => a.Reason).HasMaxLength(64);
        });
        modelBuilder.Entity<ProjectionOffset>(offset =>
        {
            offset.ToTable("projection_offsets");
            offset.HasKey(o => o.Projection);
            offset.Property(o => o.Projection).HasMaxLength(64);
        });
    }
}
