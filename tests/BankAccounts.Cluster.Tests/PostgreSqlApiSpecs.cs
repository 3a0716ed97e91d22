using System.Net;
using System.Net.Http.Headers;
using BankAccounts.Api;
using BankAccounts.Api.Security;
using BankAccounts.Domain.Security;
using BankAccounts.Cluster.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BankAccounts.Cluster.Tests;

/// <summary>The single-node behaviours, with journal, snapshots and read model on PostgreSQL instead of SQLite.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PostgreSqlApiSpecs(ClusterEnvironment environment)
{
    /// <summary>The tables of the read model version this build serves.</summary>
    private static readonly BankAccounts.ReadModel.Storage.ReadModelLayout ReadModelTables = new(BankAccounts.ReadModel.Storage.ReadModelDatabase.SchemaVersion);

    [Fact]
    public async Task Should_serve_the_API_from_PostgreSQL_and_recover_from_its_snapshots_after_a_restart()
    {
        // Journal, snapshots and read model share one database here: the read model only ever touches its own tables.
        var database = await environment.Postgres.CreateDatabaseAsync("single");
        string id;
        await using (var app = await InProcessApp.StartAsync(database))
        {
            id = await BankApi.OpenAccountAsync(app.Http, "Ada");
            foreach (var (amount, i) in new[] { 100m, 20.5m, 0.25m }.Select((a, i) => (a, i)))
            {
                using var deposit = await BankApi.DepositAsync(app.Http, id, amount, $"deposit-{i}");
                await BankApi.ExpectAsync(deposit, HttpStatusCode.OK);
            }
            using var withdrawal = await app.Http.PostAsync($"/accounts/{id}/withdrawals", BankApi.Json("""{ "amount": 20.75 }"""));
            Assert.Equal(100m, (await BankApi.ExpectAsync(withdrawal, HttpStatusCode.OK)).GetProperty("balance").GetDecimal());

            Assert.Equal((100m, 5L), await BankApi.ReadModelAccountAsync(app.Http, id, 5));
            using var transactions = await app.Http.GetAsync($"/accounts/{id}/transactions");
            Assert.Equal(5, (await BankApi.ExpectAsync(transactions, HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
            Assert.Equal(["deposit-0", "deposit-1", "deposit-2"], (await BankApi.StoredDepositsAsync(app.Http, id)).Select(d => d.Reference));
            using var ready = await app.Http.GetAsync("/health/ready");
            var checks = (await BankApi.ExpectAsync(ready, HttpStatusCode.OK)).GetProperty("checks");
            Assert.Equal("PostgreSql answers.", checks.GetProperty("journal-database").GetProperty("description").GetString());
        }

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // Tags are written in Csv mode (what the projectors' EventsByTag read), and a snapshot was taken at 3 events.
            Assert.Equal(5L, await ScalarAsync(connection, $"SELECT COUNT(*) FROM journal WHERE persistence_id = 'account-{id}' AND tags LIKE '%;account;%'"));
            Assert.True(await ScalarAsync(connection, $"SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'account-{id}'") >= 1);
            // A version's tables that do not say they are that version's are dropped and rebuilt from the journal at the next start; the journal stays.
            await ScalarAsync(connection, $"UPDATE {ReadModelTables.Table("schema_info")} SET \"Version\" = \"Version\" - 100 RETURNING 0");
        }

        await using (var app = await InProcessApp.StartAsync(database))
        {
            Assert.Equal((100m, 5L), await BankApi.ReadModelAccountAsync(app.Http, id, 5));
            using var deposit = await BankApi.DepositAsync(app.Http, id, 1m, "after-restart");
            var body = await BankApi.ExpectAsync(deposit, HttpStatusCode.OK);
            Assert.Equal((101m, 6L), (body.GetProperty("balance").GetDecimal(), body.GetProperty("version").GetInt64()));
            // The same idempotency key after the restart: the original answer, nothing applied twice.
            using var retry = await BankApi.DepositAsync(app.Http, id, 100m, "deposit-0");
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.Equal((101m, 6L), await BankApi.ReadModelAccountAsync(app.Http, id, 6));
        }

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            Assert.Equal(BankAccounts.ReadModel.Storage.ReadModelDatabase.SchemaVersion, await ScalarAsync(connection, $"SELECT MAX(\"Version\") FROM {ReadModelTables.Table("schema_info")}"));
            Assert.Equal(6L, await ScalarAsync(connection, $"SELECT COUNT(*) FROM journal WHERE persistence_id = 'account-{id}'"));
        }
    }

    /// <summary>The gauges read the PostgreSQL journal (lag query) and read model (transfers); /metrics shows them.</summary>
    [Fact]
    public async Task Should_report_projection_lag_and_transfers_read_from_PostgreSQL_in_a_scrape()
    {
        var database = await environment.Postgres.CreateDatabaseAsync("telemetry");
        await using var app = await InProcessApp.StartAsync(database, "--BankAccounts:Telemetry:GaugeRefreshInterval=00:00:00.200");
        var id = await BankApi.OpenAccountAsync(app.Http, "Ada");
        using (var deposit = await BankApi.DepositAsync(app.Http, id, 10m, "telemetry"))
        {
            await BankApi.ExpectAsync(deposit, HttpStatusCode.OK);
        }
        await BankApi.ReadModelAccountAsync(app.Http, id, 2);
        using var admin = app.ClientFor(Role.Admin);

        var scrape = "";
        await Eventually.Until(
            async () =>
            {
                scrape = await admin.GetStringAsync("/metrics");
                return scrape.Split('\n').Any(l => l.StartsWith("bankaccounts_projection_offset{", StringComparison.Ordinal)
                        && l.Contains("projection=\"account-ledger\"", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal))
                    && scrape.Split('\n').Any(l => l.StartsWith("bankaccounts_projection_lag_events{", StringComparison.Ordinal)
                        && l.Contains("projection=\"account-ledger\"", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal));
            },
            TimeSpan.FromSeconds(30),
            "the gauges show the ledger projection caught up on PostgreSQL",
            () => Task.FromResult(string.Join(" | ", scrape.Split('\n').Where(l => l.StartsWith("bankaccounts_projection", StringComparison.Ordinal)))));

        Assert.Contains(scrape.Split('\n'), l => l.StartsWith("bankaccounts_transfers{", StringComparison.Ordinal) && l.Contains("status=\"pending\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_verify_the_hash_chain_on_PostgreSQL_and_locate_a_modified_event_online_and_offline()
    {
        var database = await environment.Postgres.CreateDatabaseAsync("chain");
        await using var app = await InProcessApp.StartAsync(database);
        var id = await BankApi.OpenAccountAsync(app.Http, "Ada");
        foreach (var (amount, i) in new[] { 100m, 20.5m, 0.25m, 7m }.Select((a, i) => (a, i)))
        {
            using var deposit = await BankApi.DepositAsync(app.Http, id, amount, $"chain-{i}");
            await BankApi.ExpectAsync(deposit, HttpStatusCode.OK);
        }
        using (var intact = await app.Http.GetAsync($"/accounts/{id}/verify"))
        {
            var report = await BankApi.ExpectAsync(intact, HttpStatusCode.OK);
            Assert.True(report.GetProperty("valid").GetBoolean(), report.GetRawText());
            Assert.Equal((5L, 1L), (report.GetProperty("eventsChecked").GetInt64(), report.GetProperty("chainStartsAt").GetInt64()));
        }

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // Event 3 deposited 20.5: make it 90.5 in the stored bytes.
            await ScalarAsync(connection, $"""
                UPDATE journal SET message = convert_to(replace(convert_from(message, 'UTF8'), '"amount":20.5', '"amount":90.5'), 'UTF8')
                WHERE persistence_id = 'account-{id}' AND sequence_number = 3 RETURNING 0
                """);
        }

        using (var tampered = await app.Http.GetAsync($"/accounts/{id}/verify"))
        {
            var broken = (await BankApi.ExpectAsync(tampered, HttpStatusCode.OK)).GetProperty("break");
            Assert.Equal((3L, "modified"), (broken.GetProperty("sequenceNr").GetInt64(), broken.GetProperty("kind").GetString()));
        }
        var output = new StringWriter();
        var exitCode = await BankAccounts.Api.Cli.VerifyCommand.RunAsync(["verify", "--provider", "PostgreSQL.15", "--connection-string", database], output, output);
        Assert.True(exitCode == BankAccounts.Api.Cli.VerifyCommand.Broken, output.ToString());
        Assert.Contains($"BROKEN account-{id} at event 3: modified", output.ToString());
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
