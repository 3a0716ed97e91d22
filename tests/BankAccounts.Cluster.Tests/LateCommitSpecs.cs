using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using BankAccounts.Api;
using BankAccounts.Api.Security;
using BankAccounts.Cluster.Tests.Infrastructure;
using BankAccounts.Domain.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BankAccounts.Cluster.Tests;

/// <summary>
/// On PostgreSQL a journal row can commit well after it took its <c>ordering</c>; the read journal waits
/// query-delay × max-tries (5 s here) for such a gap, then passes over it for good. These specs make real writes of
/// the plugin commit late: a trigger on the journal makes the inserts of chosen streams wait, inside their
/// transaction, on an advisory lock the test holds until the feed has moved past them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LateCommitSpecs(ClusterEnvironment environment)
{
    /// <summary>The tables of the read model version this build serves.</summary>
    private static readonly BankAccounts.ReadModel.Storage.ReadModelLayout ReadModelTables = new(BankAccounts.ReadModel.Storage.ReadModelDatabase.SchemaVersion);

    private const long HoldLock = 4242;

    /// <summary>The app with its reconciliation every <paramref name="reconcileInterval"/>; held deposits answer only once the test releases them.</summary>
    private static Task<InProcessApp> StartAsync(string database, TimeSpan reconcileInterval) =>
        InProcessApp.StartAsync(database, requestTimeout: TimeSpan.FromMinutes(2),
            $"--BankAccounts:ReadModel:ReconcileInterval={reconcileInterval:c}", "--BankAccounts:Accounts:AskTimeout=00:02:00");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_fill_a_passed_over_event_from_the_journal_and_repair_a_stale_last_event_by_reconciliation()
    {
        var database = await environment.Postgres.CreateDatabaseAsync("late");
        string gapped, last;
        await using (var app = await StartAsync(database, reconcileInterval: TimeSpan.FromHours(1)))
        {
            (gapped, last) = (await BankApi.OpenAccountAsync(app.Http, "Gap"), await BankApi.OpenAccountAsync(app.Http, "Last"));
            var filler = await BankApi.OpenAccountAsync(app.Http, "Filler");
            await Eventually.Until(async () => await BankApi.ReadModelAccountAsync(app.Http, filler, 1) is not null, Deadline, "the accounts are projected");

            await using var test = new NpgsqlConnection(database);
            await test.OpenAsync();
            await HoldWritesOfAsync(test, $"account-{gapped}", $"account-{last}");

            // Their deposits take their orderings, then wait before committing; the filler's commits after them. (The journal
            // answers writes in the order they were sent, so the filler's deposit answers only once the held ones are done.)
            var held = Stopwatch.StartNew();
            var writes = new[]
            {
                BankApi.DepositAsync(app.Http, gapped, 10m, "held-gap"), BankApi.DepositAsync(app.Http, last, 20m, "held-last"),
            }.ToList();
            await Eventually.Until(async () => await ScalarAsync(test, "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 2,
                Deadline, "both held writes wait on the lock");
            writes.Add(BankApi.DepositAsync(app.Http, filler, 1m, "filler-1"));
            // The projector shows the filler's deposit only once the read journal has given up on the held orderings.
            await Eventually.Until(async () => await ScalarAsync(test, $"SELECT COUNT(*) FROM {ReadModelTables.Table("ledger_entries")} WHERE \"AccountId\" = '{filler}' AND \"Version\" = 2") == 1,
                Deadline, "the feed passes over the held rows", every: TimeSpan.FromMilliseconds(20));
            var passedOver = held.Elapsed;
            Assert.Equal(2L, await ScalarAsync(test, "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"));
            await ExecuteAsync(test, $"SELECT pg_advisory_unlock({HoldLock})");
            foreach (var response in await Task.WhenAll(writes))
            {
                await BankApi.ExpectAsync(response, HttpStatusCode.OK);
                response.Dispose();
            }
            Assert.True(passedOver >= TimeSpan.FromSeconds(4), $"The feed moved on after {passedOver}, before the gap timeout: the rows were not late.");
            Console.WriteLine($"The read journal passed over the held rows after {passedOver.TotalSeconds:0.0} s.");

            // The next event of the gapped stream shows the gap: its missing event is read from the journal and applied first.
            using (var next = await BankApi.DepositAsync(app.Http, gapped, 5m, "after-gap"))
            {
                await BankApi.ExpectAsync(next, HttpStatusCode.OK);
            }
            await Eventually.Until(async () => await BankApi.ReadModelAccountAsync(app.Http, gapped, 3) is { } account && account == (15m, 3L), Deadline, "the gapped account is exact");
            Assert.Equal([1L, 2L, 3L], await LedgerVersionsAsync(test, gapped));

            // The last account's passed-over deposit was its last event: nothing in the feed will ever reveal it.
            Assert.Equal((0m, 1L), await BankApi.ReadModelAccountAsync(app.Http, last, 1));
            Assert.Equal(2L, await ScalarAsync(test, $"SELECT MAX(sequence_number) FROM journal WHERE persistence_id = 'account-{last}'"));
        }

        // Restarting alone resumes from the stored offset, past the late row; the reconciliation pass finds and repairs it.
        await using (var app = await StartAsync(database, reconcileInterval: TimeSpan.FromSeconds(1)))
        {
            await Eventually.Until(async () => await BankApi.ReadModelAccountAsync(app.Http, last, 2) is { } account && account == (20m, 2L), Deadline, "the stale account is repaired");
            await using var test = new NpgsqlConnection(database);
            await test.OpenAsync();
            Assert.Equal([1L, 2L], await LedgerVersionsAsync(test, last));
            Assert.Equal((15m, 3L), await BankApi.ReadModelAccountAsync(app.Http, gapped, 3));
            Assert.Equal(0L, await ScalarAsync(test, $"SELECT COUNT(*) FROM {ReadModelTables.Table("parked_events")}"));
        }
    }

    /// <summary>From now on, inserts of these streams' journal rows wait (after taking their ordering) until the test releases <see cref="HoldLock"/>.</summary>
    private static async Task HoldWritesOfAsync(NpgsqlConnection test, params string[] persistenceIds)
    {
        await ExecuteAsync(test, $"""
            CREATE TABLE held_streams (persistence_id text PRIMARY KEY);
            CREATE FUNCTION hold_journal_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF EXISTS (SELECT 1 FROM held_streams WHERE persistence_id = NEW.persistence_id) THEN
                PERFORM pg_advisory_xact_lock_shared({HoldLock});
              END IF;
              RETURN NULL;
            END $$;
            CREATE TRIGGER hold_journal_write AFTER INSERT ON journal FOR EACH ROW EXECUTE FUNCTION hold_journal_write();
            SELECT pg_advisory_lock({HoldLock});
            """);
        foreach (var id in persistenceIds)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO held_streams VALUES (@id)", test);
            insert.Parameters.AddWithValue("id", id);
            await insert.ExecuteNonQueryAsync();
        }
    }

    private static async Task<List<long>> LedgerVersionsAsync(NpgsqlConnection connection, string accountId)
    {
        await using var command = new NpgsqlCommand($"SELECT \"Version\" FROM {ReadModelTables.Table("ledger_entries")} WHERE \"AccountId\" = @id ORDER BY \"Version\"", connection);
        command.Parameters.AddWithValue("id", Guid.Parse(accountId));
        var versions = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt64(0));
        }
        return versions;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
