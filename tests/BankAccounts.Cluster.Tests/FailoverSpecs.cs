using System.Diagnostics;
using BankAccounts.Cluster.Tests.Infrastructure;

namespace BankAccounts.Cluster.Tests;

/// <summary>A node dies (kill -9) under load: the cluster removes it, its accounts and the projectors come back on survivors, nothing acknowledged is lost.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverSpecs(ClusterEnvironment environment, ITestOutputHelper output)
{
    /// <summary>Failure detection (~4 s) + stable-after (5 s) + removal margin (5 s) + re-allocation, with room for a busy 2-core machine.</summary>
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_recover_the_accounts_and_projectors_of_a_killed_node_without_losing_an_acknowledged_deposit()
    {
        await using var cluster = await TestCluster.StartAsync(environment.Postgres, environment.Binaries, output);
        try
        {
            var nodes = cluster.Nodes;
            var clock = Stopwatch.StartNew();
            var accounts = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => BankApi.OpenAccountAsync(nodes[i % 3].Http, $"owner-{i}")));
            var setup = await Deposits.OnePerAccountAsync(accounts, nodes, clock, "setup");

            // The victim: the node running the projectors (the oldest, also hosting the shard coordinators) and some accounts.
            var victim = await cluster.ProjectionsNodeAsync() ?? throw new InvalidOperationException("No node runs the projectors.");
            var victimAccounts = (await victim.HostedAccountsAsync()).Intersect(accounts).ToHashSet();
            Assert.True(victimAccounts.Count > 0, $"{victim.Name} hosts none of the 30 accounts.");
            var survivors = nodes.Where(n => n != victim).ToList();

            await using var load = new DepositLoad(accounts, nodes, clock);
            load.Start();
            await load.WaitForAcknowledgedAsync(150, TimeSpan.FromSeconds(60));

            var offsetsBefore = await BankApi.ProjectionOffsetsAsync(survivors[0].Admin);
            var killedAt = clock.Elapsed;
            victim.Kill();
            load.InService = survivors;
            output.WriteLine($"{killedAt.TotalSeconds:0.0} s: kill -9 {victim.Name} (projectors, shard coordinators, {victimAccounts.Count} of 30 accounts) under load");

            var removed = Task.Run(() => cluster.WaitUntilMembersAsync(survivors, survivors, RecoveryDeadline));
            var accountsBack = Eventually.Until(
                () => Task.FromResult(victimAccounts.All(a => load.Attempts.Any(x => x.AccountId == a && x.Acknowledged && x.SentAt > killedAt))),
                RecoveryDeadline, $"every account of {victim.Name} acknowledges a deposit sent after the kill",
                () => Task.FromResult($"{victimAccounts.Count(a => load.Attempts.Any(x => x.AccountId == a && x.Acknowledged && x.SentAt > killedAt))} of {victimAccounts.Count} back"));
            var projectorsBack = Eventually.Until(
                async () => await cluster.ProjectionsNodeAsync() is { } host && host != victim
                    && (await BankApi.ProjectionOffsetsAsync(survivors[0].Admin))["account-ledger"] > offsetsBefore["account-ledger"],
                RecoveryDeadline, "a survivor runs the projectors and the ledger projection moves past its offset at the kill");
            await Task.WhenAll(removed, accountsBack, projectorsBack);
            var removedAfter = await removed;
            var lastVictimAccountBack = victimAccounts.Max(a => load.Attempts.Where(x => x.AccountId == a && x.Acknowledged && x.SentAt > killedAt).Min(x => x.AnsweredAt)) - killedAt;
            var projectorsAfter = await projectorsBack;
            var newHost = await cluster.ProjectionsNodeAsync();

            // Life goes on with two nodes; then the dead node comes back and rejoins.
            await load.WaitForAcknowledgedAsync(50, TimeSpan.FromSeconds(30));
            var restartClock = Stopwatch.StartNew();
            victim.Start(cluster.SeedNodes);
            await victim.WaitReadyAsync(TestCluster.StartDeadline);
            await cluster.WaitUntilMembersAsync(nodes, nodes, TestCluster.StartDeadline);
            var rejoinedAfter = restartClock.Elapsed;
            load.InService = nodes;
            await load.WaitForAcknowledgedAsync(50, TimeSpan.FromSeconds(30));
            await load.StopAsync();

            var summary = await LedgerCheck.VerifyAsync(nodes, accounts, [.. setup, .. load.Attempts], TimeSpan.FromSeconds(90));
            var duringOutage = load.Attempts.Where(a => a.SentAt > killedAt && a.SentAt < killedAt + lastVictimAccountBack).ToList();
            output.WriteLine($"Failover of {victim.Name} -> projectors now on {newHost?.Name}:");
            output.WriteLine($"  survivors removed the dead node after      {removedAfter.TotalSeconds,5:0.0} s");
            output.WriteLine($"  all {victimAccounts.Count} of its accounts answering again after {lastVictimAccountBack.TotalSeconds,5:0.0} s (time to recover)");
            output.WriteLine($"  projector resumed on a survivor after      {projectorsAfter.TotalSeconds,5:0.0} s");
            output.WriteLine($"  restarted node ready and Up everywhere in  {rejoinedAfter.TotalSeconds,5:0.0} s");
            output.WriteLine($"  deposits: {summary.Attempts} sent, {summary.Acknowledged} acknowledged (all in the journal), {summary.NotAcknowledged} not acknowledged " +
                $"({summary.NotAcknowledgedButStored} of those stored anyway); {duringOutage.Count(a => a.Acknowledged)} acknowledged during the outage");
            output.WriteLine($"  read model converged on every node {summary.ReadModelConvergedAfter.TotalSeconds:0.0} s after the load stopped");
        }
        catch
        {
            cluster.DumpLogs();
            throw;
        }
    }
}
