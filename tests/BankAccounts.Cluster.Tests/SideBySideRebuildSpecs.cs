using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankAccounts.Cluster.Tests.Infrastructure;
using BankAccounts.ReadModel.Storage;
using Npgsql;

namespace BankAccounts.Cluster.Tests;

/// <summary>
/// Two builds of the read model on one PostgreSQL, in one cluster: a node of version N serves and takes deposits while a
/// node of version N+1 (the same binaries told to serve the next version, so its own tables) rebuilds from offset zero.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SideBySideRebuildSpecs(ClusterEnvironment environment, ITestOutputHelper output)
{
    private const int OldVersion = ReadModelDatabase.SchemaVersion;
    private const int NewVersion = OldVersion + 1;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Should_build_version_N_plus_1_beside_N_under_load_switch_without_losing_an_event_and_survive_a_restart_of_the_N_node()
    {
        // One teller sends everything through one node here: its rate limit is not what this test is about.
        await using var cluster = await TestCluster.StartAsync(environment.Postgres, environment.Binaries, output, size: 1, new Dictionary<string, string>
        {
            ["BankAccounts__Security__RateLimit__PermitsPerSecond"] = "100000",
            ["BankAccounts__Security__RateLimit__Burst"] = "100000",
        });
        try
        {
            var old = cluster.Nodes[0];
            var clock = Stopwatch.StartNew();
            var accounts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => BankApi.OpenAccountAsync(old.Http, $"owner-{i}")));
            var setup = await Deposits.OnePerAccountAsync(accounts, [old], clock, "setup");
            await using var load = new DepositLoad(accounts, [old], clock, clients: 2);
            load.Start();
            await load.WaitForAcknowledgedAsync(200, Deadline);

            // Its first progress check (and so the switch) comes one interval after its tables are created: long enough to watch it build.
            var next = cluster.StartNode(new Dictionary<string, string>
            {
                ["BankAccounts__ReadModel__Version"] = $"{NewVersion}",
                ["BankAccounts__ReadModel__VersionCheckInterval"] = "00:00:15",
            });
            await Eventually.Until(async () => (await StatesAsync(old)).GetValueOrDefault(NewVersion) == "building", Deadline,
                $"version {NewVersion} is listed as building", async () => await old.Admin.GetStringAsync("/admin/read-model"));
            await Eventually.Until(
                async () =>
                {
                    using var ready = await next.Http.GetAsync("/health/ready");
                    return ready.StatusCode == HttpStatusCode.ServiceUnavailable
                        && (await ready.Content.ReadAsStringAsync()).Contains($"read model version {NewVersion} building", StringComparison.Ordinal);
                },
                Deadline, $"the version {NewVersion} node answers readiness with 'building'", async () => await next.Http.GetStringAsync("/health/ready"));
            using (var refused = await next.Http.GetAsync($"/accounts/{accounts[0]}"))
            {
                var problem = await BankApi.ExpectAsync(refused, HttpStatusCode.ServiceUnavailable);
                Assert.Equal("urn:bank-accounts:problem:read-model-building", problem.GetProperty("type").GetString());
                Assert.NotNull(refused.Headers.RetryAfter);
            }
            // The old version serves meanwhile, and follows the journal: a deposit on an account the load leaves alone is read back exactly.
            var witness = await BankApi.OpenAccountAsync(old.Http, "witness");
            using (var deposit = await BankApi.DepositAsync(old.Http, witness, 5m, "during-rebuild"))
            {
                var body = await BankApi.ExpectAsync(deposit, HttpStatusCode.OK);
                var written = (body.GetProperty("balance").GetDecimal(), body.GetProperty("version").GetInt64());
                await Eventually.Until(async () => await BankApi.ReadModelAccountAsync(old.Http, witness, written.Item2) == written, Deadline,
                    $"version {OldVersion} shows the deposit made during the rebuild");
            }
            Assert.Equal("active", (await StatesAsync(old))[OldVersion]);

            await next.WaitReadyAsync(Deadline);
            var states = await StatesAsync(next);
            Assert.Equal(("active", "superseded"), (states[NewVersion], states[OldVersion]));
            await load.WaitForAcknowledgedAsync(100, Deadline);
            await load.StopAsync();
            var attempts = new List<DepositAttempt>([.. setup, .. load.Attempts]);
            Assert.All(attempts, a => Assert.True(a.Acknowledged, $"{a.Reference} was not acknowledged: {a.Status} {a.Error}"));
            var summary = await LedgerCheck.VerifyAsync([old, next], accounts, attempts, Deadline);
            output.WriteLine($"{summary.Acknowledged} deposits; both versions show every account as the journal does, converged in {summary.ReadModelConvergedAfter.TotalSeconds:0.0} s");

            // An old node restarting neither drops nor writes the new version's tables, and serves its own.
            var before = await NewVersionTablesAsync(cluster.ReadModelConnectionString);
            Assert.Equal(0, await old.StopGracefullyAsync(Deadline));
            await cluster.WaitUntilMembersAsync([next], [next], Deadline);
            old.Start([next.AkkaAddress, old.AkkaAddress]);
            await old.WaitReadyAsync(TestCluster.StartDeadline);
            await cluster.WaitUntilMembersAsync([old, next], [old, next], Deadline);
            Assert.Equal(before, await NewVersionTablesAsync(cluster.ReadModelConnectionString));
            states = await StatesAsync(old);
            Assert.Equal(("active", "superseded"), (states[NewVersion], states[OldVersion]));

            var after = await Deposits.OnePerAccountAsync(accounts, [old, next], clock, "after-restart");
            await LedgerCheck.VerifyAsync([old, next], accounts, [.. attempts, .. after], Deadline);
        }
        catch
        {
            cluster.DumpLogs();
            throw;
        }
    }

    private static async Task<Dictionary<int, string>> StatesAsync(ClusterNode node)
    {
        var body = await node.Admin.GetFromJsonAsync<JsonElement>("/admin/read-model");
        return body.GetProperty("versions").EnumerateArray().ToDictionary(v => v.GetProperty("version").GetInt32(), v => v.GetProperty("state").GetString()!);
    }

    /// <summary>What the new version's tables and registry row hold, in one comparable line.</summary>
    private static async Task<string> NewVersionTablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            SELECT (SELECT state || ' ' || started_at || ' ' || activated_at FROM read_model_versions WHERE version = {NewVersion})
              || ' | ' || (SELECT COUNT(*) || ' ' || COALESCE(SUM("Version"), 0) FROM rm{NewVersion}_ledger_entries)
              || ' | ' || (SELECT string_agg("Projection" || ':' || "Offset", ',' ORDER BY "Projection") FROM rm{NewVersion}_projection_offsets)
              || ' | ' || (SELECT MAX("Version") FROM rm{NewVersion}_schema_info)
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
