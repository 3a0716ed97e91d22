using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Storage;

public sealed class ReadModelDbContext(DbContextOptions<ReadModelDbContext> options) : DbContext(options)
{
    /// <summary>Whose tables this context maps: the version in its options (<see cref="ReadModelDatabase.Configure"/>), else this build's.</summary>
    public ReadModelLayout Layout { get; } = options.FindExtension<ReadModelLayoutExtension>()?.Layout ?? new ReadModelLayout(ReadModelDatabase.SchemaVersion);

    public DbSet<AccountSummary> Accounts => Set<AccountSummary>();

    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();
    public DbSet<TransferHold> TransferHolds => Set<TransferHold>();
    public DbSet<CommandRecord> CommandHistory => Set<CommandRecord>();

    public DbSet<AccountAlert> Alerts => Set<AccountAlert>();

    public DbSet<ProjectionOffset> Offsets => Set<ProjectionOffset>();

    public DbSet<TransferSummary> Transfers => Set<TransferSummary>();

    public DbSet<SchemaInfo> SchemaInfo => Set<SchemaInfo>();

    public DbSet<ParkedEvent> ParkedEvents => Set<ParkedEvent>();

    public DbSet<SkippedEvent> SkippedEvents => Set<SkippedEvent>();

    public DbSet<ProjectedStream> ProjectedStreams => Set<ProjectedStream>();

    /// <summary>
    /// SQLite has no decimal type: amounts are stored as exact text, written canonically (50, not
    /// 50.0) so the read model answers with the same numbers as the write side.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<decimal>().HaveConversion<CanonicalDecimalText>();
        }
    }

    private sealed class CanonicalDecimalText() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<decimal, string>(
        value => (value / 1.000000000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture),
        text => decimal.Parse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Errors are kept to this many characters (the message and the first lines of the stack).</summary>
    public const int ParkedErrorMaxLength = 2000;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AccountSummary>(account =>
        {
            account.ToTable(Layout.Table("account_summaries"));
            account.HasKey(a => a.AccountId);
            account.Property(a => a.Owner).HasMaxLength(Domain.Account.MaxOwnerLength);
            account.Property(a => a.Currency).HasMaxLength(3);
            account.Property(a => a.Status).HasMaxLength(16);
            account.HasIndex(a => new { a.Owner, a.OpenedAtTicks });
            account.Property(a => a.OwnerId).HasMaxLength(Domain.Security.Principal.MaxSubjectLength);
            account.HasIndex(a => new { a.OwnerId, a.OpenedAtTicks });
            account.Property(a => a.ChainHead).HasMaxLength(64);
        });
        modelBuilder.Entity<CommandRecord>(command =>
        {
            command.ToTable(Layout.Table("command_history"));
            // Keyed by the event, not the id: a release-1 journal may hold one id twice (the defect this
            // history fixes), and a key reused after the retention is a new command.
            command.HasKey(c => new { c.AccountId, c.Version });
            command.HasIndex(c => new { c.AccountId, c.CommandId });
            command.Property(c => c.CommandId).HasMaxLength(256);
            command.Property(c => c.Reason).HasMaxLength(64);
            command.HasIndex(c => c.OccurredAtTicks);
        });
        modelBuilder.Entity<LedgerEntry>(entry =>
        {
            entry.ToTable(Layout.Table("ledger_entries"));
            entry.HasKey(e => new { e.AccountId, e.Version });
            entry.Property(e => e.EventType).HasMaxLength(64);
            entry.Property(e => e.Reference).HasMaxLength(Domain.Account.MaxReferenceLength);
            entry.HasIndex(e => e.TransferId);
            entry.Property(e => e.CausedBy).HasMaxLength(Domain.Security.Principal.MaxSubjectLength + 16);
            // As-of reads: the last entry at or before an instant is one index seek.
            entry.HasIndex(e => new { e.AccountId, e.OccurredAtTicks, e.Version });
            entry.Property(e => e.Status).HasMaxLength(16);
            entry.Property(e => e.EventHash).HasMaxLength(64);
        });
        modelBuilder.Entity<TransferHold>(hold =>
        {
            hold.ToTable(Layout.Table("transfer_holds"));
            hold.HasKey(h => new { h.AccountId, h.OpenedVersion });
            hold.Property(h => h.Direction).HasMaxLength(16);
            hold.HasIndex(h => new { h.AccountId, h.ResolvedVersion });
        });
        modelBuilder.Entity<TransferSummary>(transfer =>
        {
            transfer.ToTable(Layout.Table("transfers"));
            transfer.HasKey(t => t.TransferId);
            transfer.Property(t => t.Currency).HasMaxLength(3);
            transfer.Property(t => t.Reference).HasMaxLength(140);
            transfer.Property(t => t.Status).HasMaxLength(16);
            transfer.Property(t => t.FailureReason).HasMaxLength(64);
            transfer.HasIndex(t => new { t.FromAccountId, t.RequestedAtTicks });
            transfer.HasIndex(t => new { t.ToAccountId, t.RequestedAtTicks });
            transfer.HasIndex(t => new { t.Status, t.UpdatedAtTicks });
        });
        modelBuilder.Entity<SchemaInfo>(info =>
        {
            info.ToTable(Layout.Table("schema_info"));
            info.HasKey(i => i.Version);
            info.Property(i => i.Version).ValueGeneratedNever();
        });
        modelBuilder.Entity<AccountAlert>(alert =>
        {
            alert.ToTable(Layout.Table("account_alerts"));
            alert.HasKey(a => new { a.AccountId, a.Version });
            alert.Property(a => a.Kind).HasMaxLength(64);
            alert.Property(a => a.Reason).HasMaxLength(64);
        });
        modelBuilder.Entity<ParkedEvent>(parked =>
        {
            parked.ToTable(Layout.Table("parked_events"));
            parked.HasKey(p => new { p.Projection, p.PersistenceId, p.Version });
            parked.Property(p => p.Projection).HasMaxLength(64);
            parked.Property(p => p.PersistenceId).HasMaxLength(255);
            parked.Property(p => p.Reason).HasMaxLength(16);
            parked.Property(p => p.EventType).HasMaxLength(64);
            parked.Property(p => p.Error).HasMaxLength(ParkedErrorMaxLength);
        });
        modelBuilder.Entity<SkippedEvent>(skipped =>
        {
            skipped.ToTable(Layout.Table("skipped_events"));
            skipped.HasKey(s => new { s.Projection, s.PersistenceId, s.Version });
            skipped.Property(s => s.Projection).HasMaxLength(64);
            skipped.Property(s => s.PersistenceId).HasMaxLength(255);
            skipped.Property(s => s.Reason).HasMaxLength(500);
            skipped.Property(s => s.Error).HasMaxLength(ParkedErrorMaxLength);
            skipped.Property(s => s.SkippedBy).HasMaxLength(Domain.Security.Principal.MaxSubjectLength + 16);
        });
        modelBuilder.Entity<ProjectedStream>(stream =>
        {
            stream.ToTable(Layout.Table("projected_streams"));
            stream.HasKey(s => new { s.Projection, s.PersistenceId });
            stream.Property(s => s.Projection).HasMaxLength(64);
            stream.Property(s => s.PersistenceId).HasMaxLength(255);
        });
        modelBuilder.Entity<ProjectionOffset>(offset =>
        {
            offset.ToTable(Layout.Table("projection_offsets"));
            offset.HasKey(o => o.Projection);
            offset.Property(o => o.Projection).HasMaxLength(64);
            // A write whose offset moved under it (another projector instance, e.g. during a singleton
            // hand-over or after a partition) fails and is retried from the stored offset: never applied twice.
            offset.Property(o => o.Offset).IsConcurrencyToken();
        });
    }
}
