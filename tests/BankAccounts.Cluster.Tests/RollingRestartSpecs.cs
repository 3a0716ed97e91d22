using System.Diagnostics;
using BankAccounts.Cluster.Tests.Infrastructure;

namespace BankAccounts.Cluster.Tests;

/// <summary>Every node in turn leaves gracefully (SIGTERM) and rejoins, under load: nothing is lost or refused.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RollingRestartSpecs(ClusterEnvironment environment, ITestOutputHelper output)
{
    private static readonly TimeSpan LeaveDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_restart_every_node_in_turn_under_load_without_losing_or_refusing_a_deposit()
    {
        await using var cluster = await TestCluster.StartAsync(environment.Postgres, environment.Binaries, output);
        try
        {
            var nodes = cluster.Nodes;
            var clock = Stopwatch.StartNew();
            var accounts = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => BankApi.OpenAccountAsync(nodes[i % 3].Http, $"owner-{i}")));
            var setup = await Deposits.OnePerAccountAsync(accounts, nodes, clock, "setup");

            await using var load = new DepositLoad(accounts, nodes, clock);
            load.Start();
            await load.WaitForAcknowledgedAsync(100, TimeSpan.FromSeconds(60));

            foreach (var node in nodes)
            {
                var others = nodes.Where(n => n != node).ToList();
                var hadProjections = (await node.ClusterAsync()).ProjectionsHere;
                var hosted = (await node.HostedAccountsAsync()).Count;

                // As a load balancer would: stop sending new requests to the node, then SIGTERM it.
                load.InService = others;
                var leaving = Stopwatch.StartNew();
                var exitCode = await node.StopGracefullyAsync(LeaveDeadline);
                var leftAfter = leaving.Elapsed;
                Assert.True(exitCode == 0, $"{node.Name} exited with {exitCode} after SIGTERM: {node.LogTail(40)}");
                await cluster.WaitUntilMembersAsync(others, others, LeaveDeadline);
                Assert.True(await cluster.ProjectionsNodeAsync() is not null || !hadProjections || await WaitForProjectionsAsync(cluster), "the projectors did not move on");
                await load.WaitForAcknowledgedAsync(30, TimeSpan.FromSeconds(30));

                var joining = Stopwatch.StartNew();
                node.Start(cluster.SeedNodes);
                await node.WaitReadyAsync(TestCluster.StartDeadline);
                await cluster.WaitUntilMembersAsync(nodes, nodes, TestCluster.StartDeadline);
                load.InService = nodes;
                await load.WaitForAcknowledgedAsync(30, TimeSpan.FromSeconds(30));
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s {node.Name}: SIGTERM at {(clock.Elapsed - joining.Elapsed - leftAfter).TotalSeconds:0.0} s, left in {leftAfter.TotalSeconds:0.0} s (handing over {hosted} accounts{(hadProjections ? " and the projectors" : "")}), rejoined and ready in {joining.Elapsed.TotalSeconds:0.0} s");
            }
            await load.StopAsync();

            var refused = load.Attempts.Where(a => !a.Acknowledged).ToList();
            Assert.True(refused.Count == 0,
                $"{refused.Count} deposits were not acknowledged during graceful restarts: {string.Join("; ", refused.Take(10))}");
            var summary = await LedgerCheck.VerifyAsync(nodes, accounts, [.. setup, .. load.Attempts], TimeSpan.FromSeconds(90));
            var slowest = load.Attempts.Max(a => a.AnsweredAt - a.SentAt);
            foreach (var slow in load.Attempts.OrderByDescending(a => a.AnsweredAt - a.SentAt).Take(8))
            {
                output.WriteLine($"  slow: sent {slow.SentAt.TotalSeconds:0.0} s to {slow.Node}, answered after {(slow.AnsweredAt - slow.SentAt).TotalMilliseconds:0} ms ({slow.AccountId})");
            }
            output.WriteLine($"Rolling restart of 3 nodes: {summary.Acknowledged} deposits, all acknowledged and in the journal; slowest answer {slowest.TotalMilliseconds:0} ms; " +
                $"read model converged {summary.ReadModelConvergedAfter.TotalSeconds:0.0} s after the load stopped");
        }
        catch
        {
            cluster.DumpLogs();
            throw;
        }
    }

    private static async Task<bool> WaitForProjectionsAsync(TestCluster cluster)
    {
        await Eventually.Until(async () => await cluster.ProjectionsNodeAsync() is not null, TimeSpan.FromSeconds(30), "a remaining node runs the projectors");
        return true;
    }
}
