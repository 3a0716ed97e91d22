using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using BankAccounts.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Tests;

/// <summary>Side-by-side read model versions on a real SQLite file: the registry's transitions, and what creation and dropping touch.</summary>
public sealed class ReadModelVersionSpecs : IDisposable
{
    private const int Legacy = ReadModelLayout.LegacyVersion;
    private const int Current = ReadModelDatabase.SchemaVersion;
    private const int Next = ReadModelDatabase.SchemaVersion + 1;

    private readonly string _connectionString = $"Data Source={Path.Combine(Path.GetDirectoryName(AccountsTestHost.NewDatabasePath())!, "readmodel.db")}";

    [Fact]
    public async Task Should_list_the_legacy_tables_as_active_and_build_the_new_version_beside_them_without_touching_them()
    {
        await CreateLegacyTablesAsync();

        var created = await ReadModelDatabase.EnsureCreatedAsync(Options(Current), TimeProvider.System);

        Assert.Equal(ReadModelVersionState.Building, created.State);
        Assert.Equal([(Legacy, ReadModelVersionState.Active), (Current, ReadModelVersionState.Building)], await StatesAsync());
        Assert.Equal(($"{Legacy}", "legacy-marker:7"), (await ScalarAsync("SELECT MAX(\"Version\") FROM schema_info"), await MarkerAsync(Legacy)));
        Assert.Equal(TableCount(), await CountTablesAsync("rm5\\_%"));
    }

    [Fact]
    public async Task Should_switch_to_a_caught_up_version_in_one_step_and_never_back_to_an_older_one()
    {
        Assert.Equal(ReadModelVersionState.Active, (await ReadModelDatabase.EnsureCreatedAsync(Options(Current), TimeProvider.System)).State);
        await SetMarkerAsync(Current, 5);
        Assert.Equal(ReadModelVersionState.Building, (await ReadModelDatabase.EnsureCreatedAsync(Options(Next), TimeProvider.System)).State);
        await SetMarkerAsync(Next, 6);

        var switched = await ReadModelDatabase.SwitchToCaughtUpAsync(Options(Next), new RebuildProgress(40, 40, DateTimeOffset.UtcNow), TimeProvider.System);

        Assert.Equal((ReadModelVersionState.Active, 40L, 40L), (switched.State, switched.EventsDone, switched.EventsTotal));
        Assert.NotNull(switched.ActivatedAt);
        Assert.Equal([(Current, ReadModelVersionState.Superseded), (Next, ReadModelVersionState.Active)], await StatesAsync());

        // A node of the older version restarts: it keeps its own tables and state, and leaves the newer version alone.
        var restarted = await ReadModelDatabase.EnsureCreatedAsync(Options(Current), TimeProvider.System);
        Assert.Equal(ReadModelVersionState.Superseded, restarted.State);
        Assert.Equal(("account-ledger:5", "account-ledger:6"), (await MarkerAsync(Current), await MarkerAsync(Next)));
        var again = await ReadModelDatabase.SwitchToCaughtUpAsync(Options(Current), new RebuildProgress(1, 1, DateTimeOffset.UtcNow), TimeProvider.System);
        Assert.Equal(ReadModelVersionState.Superseded, again.State);
        Assert.Equal([(Current, ReadModelVersionState.Superseded), (Next, ReadModelVersionState.Active)], await StatesAsync());
    }

    [Fact]
    public async Task Should_drop_only_the_named_version_and_refuse_the_active_one()
    {
        await CreateLegacyTablesAsync();
        await ReadModelDatabase.EnsureCreatedAsync(Options(Current), TimeProvider.System);
        await SetMarkerAsync(Current, 5);
        await ReadModelDatabase.SwitchToCaughtUpAsync(Options(Current), new RebuildProgress(0, 0, DateTimeOffset.UtcNow), TimeProvider.System);

        await ReadModelDatabase.DropVersionAsync(Options(Current), Legacy);

        Assert.Equal([(Legacy, ReadModelVersionState.Dropped), (Current, ReadModelVersionState.Active)], await StatesAsync());
        Assert.Equal(0, await CountTablesAsync("schema\\_info"));
        Assert.Equal(("account-ledger:5", TableCount()), (await MarkerAsync(Current), await CountTablesAsync("rm5\\_%")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ReadModelDatabase.DropVersionAsync(Options(Current), Current));
        Assert.Equal(TableCount(), await CountTablesAsync("rm5\\_%"));
    }

    [Fact]
    public async Task Should_refuse_a_version_below_the_build_and_tables_made_by_another_build()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => ReadModelDatabase.EnsureCreatedAsync(Options(Legacy), TimeProvider.System));

        await ReadModelDatabase.EnsureCreatedAsync(Options(Next), TimeProvider.System);
        await ExecuteAsync($"UPDATE read_model_versions SET made_by_schema = 99 WHERE version = {Next}");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadModelDatabase.EnsureCreatedAsync(Options(Next), TimeProvider.System));
        Assert.Contains("made by a build of schema 99", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_recreate_only_its_own_tables_when_they_do_not_say_they_are_its_version()
    {
        await CreateLegacyTablesAsync();
        await ReadModelDatabase.EnsureCreatedAsync(Options(Current), TimeProvider.System);
        await SetMarkerAsync(Current, 5);
        await ExecuteAsync("UPDATE rm5_schema_info SET \"Version\" = 1");

        await ReadModelDatabase.EnsureCreatedAsync(Options(Current), TimeProvider.System);

        Assert.Equal((string?)null, await MarkerAsync(Current));
        Assert.Equal("legacy-marker:7", await MarkerAsync(Legacy));
    }

    public void Dispose() => SqliteConnection.ClearAllPools();

    private ReadModelOptions Options(int version) => new() { ConnectionString = _connectionString, Version = version };

    /// <summary>What the release of version 4 made: its unprefixed tables, schema_info 4, and a row to recognise them by.</summary>
    private async Task CreateLegacyTablesAsync()
    {
        await using var db = Context(Legacy);
        await db.Database.EnsureCreatedAsync();
        db.SchemaInfo.Add(new SchemaInfo { Version = Legacy });
        db.Offsets.Add(new ProjectionOffset { Projection = "legacy-marker", Offset = 7, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    private async Task SetMarkerAsync(int version, long offset)
    {
        await using var db = Context(version);
        db.Offsets.Add(new ProjectionOffset { Projection = ProjectionNames.AccountLedger, Offset = offset, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    /// <summary>The version's offsets as "projection:offset", or null when it has none.</summary>
    private async Task<string?> MarkerAsync(int version)
    {
        await using var db = Context(version);
        var offsets = await db.Offsets.AsNoTracking().OrderBy(o => o.Projection).Select(o => o.Projection + ":" + o.Offset).ToListAsync();
        return offsets.Count == 0 ? null : string.Join(",", offsets);
    }

    private ReadModelDbContext Context(int version)
    {
        var builder = new DbContextOptionsBuilder<ReadModelDbContext>();
        ReadModelDatabase.Configure(builder, Options(version));
        return new ReadModelDbContext(builder.Options);
    }

    private int TableCount()
    {
        using var db = Context(Current);
        return db.Model.GetEntityTypes().Select(e => e.GetTableName()).Distinct().Count();
    }

    private async Task<List<(int, ReadModelVersionState)>> StatesAsync() =>
        [.. (await ReadModelDatabase.VersionsAsync(Options(Current))).Select(v => (v.Version, v.State))];

    private async Task<int> CountTablesAsync(string likePattern) =>
        int.Parse((await ScalarAsync($"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE '{likePattern}' ESCAPE '\\'"))!, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    private async Task ExecuteAsync(string sql) => await ScalarAsync(sql);
}

/// <summary>The rules of side-by-side versions, without a database.</summary>
public sealed class ReadModelVersionRulesSpecs
{
    [Fact]
    public void Should_build_beside_an_active_version_and_serve_at_once_when_none_is()
    {
        Assert.Equal(ReadModelVersionState.Building, ReadModelVersionRules.StateWhenCreated(6, activeVersion: 5));
        Assert.Equal(ReadModelVersionState.Active, ReadModelVersionRules.StateWhenCreated(6, activeVersion: null));
        Assert.Equal(ReadModelVersionState.Active, ReadModelVersionRules.StateWhenCreated(6, activeVersion: 6));
    }

    [Fact]
    public void Should_activate_a_caught_up_version_unless_a_newer_one_is_active()
    {
        Assert.Equal(ReadModelVersionState.Active, ReadModelVersionRules.StateWhenCaughtUp(6, activeVersion: 5));
        Assert.Equal(ReadModelVersionState.Superseded, ReadModelVersionRules.StateWhenCaughtUp(5, activeVersion: 6));
        Assert.True(ReadModelVersionRules.Serves(ReadModelVersionState.Superseded));
        Assert.False(ReadModelVersionRules.Serves(ReadModelVersionState.Building));
    }

    [Fact]
    public void Should_refuse_to_drop_the_active_version_the_version_served_here_or_one_whose_nodes_are_up()
    {
        Assert.Contains("active", ReadModelVersionRules.DropRefusal(6, ReadModelVersionState.Active, 5, []), StringComparison.Ordinal);
        Assert.Contains("This node serves", ReadModelVersionRules.DropRefusal(5, ReadModelVersionState.Superseded, 5, []), StringComparison.Ordinal);
        Assert.Contains("still members", ReadModelVersionRules.DropRefusal(5, ReadModelVersionState.Superseded, 6, [5, 6]), StringComparison.Ordinal);
        Assert.Null(ReadModelVersionRules.DropRefusal(4, ReadModelVersionState.Superseded, 6, [6]));
    }

    [Fact]
    public void Should_report_progress_and_estimate_the_time_left_at_the_average_rate()
    {
        var started = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var progress = new RebuildProgress(EventsDone: 250, EventsTotal: 1000, started);

        Assert.Equal((25, 750L), (progress.Percent, progress.EventsBehind));
        Assert.Equal(TimeSpan.FromSeconds(30), progress.EstimatedRemaining(started.AddSeconds(10)));
        Assert.Null((progress with { EventsDone = 0 }).EstimatedRemaining(started.AddSeconds(10)));
        Assert.Equal((100, TimeSpan.Zero), (new RebuildProgress(0, 0, started).Percent, new RebuildProgress(0, 0, started).EstimatedRemaining(started)));
    }
}
