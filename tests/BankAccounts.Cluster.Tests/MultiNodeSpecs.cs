using System.Diagnostics;
using System.Net;
using BankAccounts.Cluster.Tests.Infrastructure;

namespace BankAccounts.Cluster.Tests;

/// <summary>Three processes, one cluster, one PostgreSQL: any node serves any account, and all agree.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MultiNodeSpecs(ClusterEnvironment environment, ITestOutputHelper output)
{
    [Fact]
    public async Task Should_accept_commands_for_any_account_on_any_node_and_show_exact_balances_on_every_node()
    {
        await using var cluster = await TestCluster.StartAsync(environment.Postgres, environment.Binaries, output);
        try
        {
            var nodes = cluster.Nodes;
            var clock = Stopwatch.StartNew();

            // Accounts opened through different nodes, deposits sent through yet other nodes, concurrently.
            var accounts = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => BankApi.OpenAccountAsync(nodes[i % 3].Http, $"owner-{i}")));
            var attempts = new List<DepositAttempt>();
            for (var round = 1; round <= 5; round++)
            {
                var r = round;
                attempts.AddRange(await Task.WhenAll(accounts.Select(async (account, i) =>
                {
                    var node = nodes[(i + r) % 3];
                    var amount = r * 10m + i / 100m;
                    var reference = $"round{r}-{i}";
                    using var response = await BankApi.DepositAsync(node.Http, account, amount, reference);
                    await BankApi.ExpectAsync(response, HttpStatusCode.OK);
                    return new DepositAttempt(account, reference, amount, node.Name, clock.Elapsed, clock.Elapsed, (int)response.StatusCode, null);
                })));
            }

            var summary = await LedgerCheck.VerifyAsync(nodes, accounts, attempts, TimeSpan.FromSeconds(60));
            foreach (var (account, i) in accounts.Select((a, i) => (a, i)))
            {
                var expected = Enumerable.Range(1, 5).Sum(r => r * 10m + i / 100m);
                foreach (var node in nodes)
                {
                    Assert.Equal((expected, 6L), await BankApi.ReadModelAccountAsync(node.Http, account, 6));
                    Assert.Equal(expected, (await BankApi.StoredDepositsAsync(node.Http, account)).Sum(d => d.Amount));
                }
            }

            // The accounts really live on several nodes, and the projectors on exactly one.
            var hosted = await Task.WhenAll(nodes.Select(n => n.HostedAccountsAsync()));
            Assert.Equal(accounts.Order(), hosted.SelectMany(h => h).Order());
            Assert.True(hosted.Count(h => h.Count > 0) >= 2, "12 accounts should spread over at least two of three nodes.");
            var views = await Task.WhenAll(nodes.Select(n => n.ClusterAsync()));
            Assert.Single(views, v => v.ProjectionsHere);
            foreach (var node in nodes)
            {
                using var live = await node.Http.GetAsync("/health/live");
                using var ready = await node.Http.GetAsync("/health/ready");
                Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (live.StatusCode, ready.StatusCode));
            }

            // An admin request on a node without the projectors reaches their singleton (proxy + serializer).
            var elsewhere = nodes[Array.FindIndex(views, v => !v.ProjectionsHere)];
            using var rebuild = await elsewhere.Admin.PostAsync("/admin/projections/account-ledger/rebuild", null);
            await BankApi.ExpectAsync(rebuild, HttpStatusCode.Accepted);
            await LedgerCheck.VerifyAsync(nodes, accounts, attempts, TimeSpan.FromSeconds(60));

            output.WriteLine($"{summary.Accounts} accounts, {summary.Acknowledged} deposits through 3 nodes; read model converged {summary.ReadModelConvergedAfter.TotalMilliseconds:0} ms after the journal check; accounts per node: {string.Join("/", hosted.Select(h => h.Count))}.");
        }
        catch
        {
            cluster.DumpLogs();
            throw;
        }
    }
}
