using BankAccounts.Testing;

namespace BankAccounts.Actors.Tests;

/// <summary>
/// The persistence settings a node runs with, as composed by <see cref="Hosting.AkkaBuilderExtensions.WithAccountPersistence"/>:
/// the SQL plugins on the configured database, the tagging and tag reads the projectors rely on, and the tuning kept in
/// <c>config/akka.hocon</c> and <c>config/sqlite.hocon</c> winning over the plugin's defaults.
/// </summary>
public sealed class PersistenceCompositionSpecs : IAsyncLifetime
{
    private readonly AccountsTestHost _host = AccountsTestHost.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Should_use_the_sql_plugins_on_the_configured_database()
    {
        var config = _host.System.Settings.Config;

        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.query.journal.sql.write-plugin"));
        var connection = config.GetString("akka.persistence.journal.sql.connection-string");
        Assert.Contains(_host.DatabasePath, connection);
        Assert.Equal(connection, config.GetString("akka.persistence.snapshot-store.sql.connection-string"));
        Assert.Equal(connection, config.GetString("akka.persistence.query.journal.sql.connection-string"));
        Assert.Equal(config.GetString("akka.persistence.journal.sql.provider-name"), config.GetString("akka.persistence.query.journal.sql.provider-name"));
    }

    [Fact]
    public void Should_tag_account_and_transfer_events_in_csv_and_read_tags_the_same_way()
    {
        var config = _host.System.Settings.Config;

        Assert.Equal("Csv", config.GetString("akka.persistence.journal.sql.tag-write-mode"));
        Assert.Equal("Csv", config.GetString("akka.persistence.query.journal.sql.tag-read-mode"));
        // A binding names one adapter or a list of them.
        var bindings = config.GetConfig("akka.persistence.journal.sql.event-adapter-bindings").AsEnumerable()
            .ToDictionary(e => e.Key, e => e.Value.IsArray() ? e.Value.GetStringList() : [e.Value.GetString()]);
        Assert.Equal(["event-tagger"], bindings.Single(b => b.Key.Contains("BankAccounts.Domain.AccountEvent", StringComparison.Ordinal)).Value);
        Assert.Equal(["event-tagger"], bindings.Single(b => b.Key.Contains("BankAccounts.Domain.TransferEvent", StringComparison.Ordinal)).Value);
        Assert.Contains("BankAccounts.Actors.Persistence.EventTagger", config.GetString("akka.persistence.journal.sql.event-adapters.event-tagger"));
    }

    [Fact]
    public void Should_keep_the_tuning_of_the_config_files_over_the_plugin_defaults()
    {
        var config = _host.System.Settings.Config;

        Assert.Equal(TimeSpan.FromMilliseconds(25), config.GetTimeSpan("akka.persistence.query.journal.sql.refresh-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(25), config.GetTimeSpan("akka.persistence.query.journal.sql.journal-sequence-retrieval.query-delay"));
        Assert.Equal(200, config.GetInt("akka.persistence.query.journal.sql.journal-sequence-retrieval.max-tries"));
        Assert.Equal(1, config.GetInt("akka.persistence.journal.sql.parallelism")); // config/sqlite.hocon
    }
}
