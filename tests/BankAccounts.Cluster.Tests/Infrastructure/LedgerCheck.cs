using System.Diagnostics;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>What the journal and the read model hold, checked against what the clients were told.</summary>
public sealed record LedgerSummary(int Accounts, int Attempts, int Acknowledged, int NotAcknowledged, int NotAcknowledgedButStored, TimeSpan ReadModelConvergedAfter);

public static class LedgerCheck
{
    /// <summary>
    /// For every account: each acknowledged deposit is in the journal exactly once; nothing is in the
    /// journal that no client sent; and every node's read model shows the journal's balance and version
    /// (opened + one event per deposit) within <paramref name="convergeWithin"/>.
    /// </summary>
    public static async Task<LedgerSummary> VerifyAsync(
        IReadOnlyList<ClusterNode> nodes, IReadOnlyList<string> accounts, IReadOnlyCollection<DepositAttempt> attempts, TimeSpan convergeWithin)
    {
        var byAccount = attempts.ToLookup(a => a.AccountId);
        var expected = new Dictionary<string, (decimal Balance, long Version)>();
        var notAcknowledgedButStored = 0;
        foreach (var account in accounts)
        {
            var stored = await BankApi.StoredDepositsAsync(nodes[0].Http, account);
            var storedReferences = stored.Select(d => d.Reference).ToList();
            var duplicates = storedReferences.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, $"{account}: deposits stored twice: {string.Join(", ", duplicates)}");

            var sent = byAccount[account].ToDictionary(a => a.Reference);
            var lost = sent.Values.Where(a => a.Acknowledged && !storedReferences.Contains(a.Reference)).ToList();
            Assert.True(lost.Count == 0, $"{account}: acknowledged deposits missing from the journal: {string.Join(", ", lost)}");
            var unknown = storedReferences.Where(r => !sent.ContainsKey(r)).ToList();
            Assert.True(unknown.Count == 0, $"{account}: journal holds deposits nobody sent: {string.Join(", ", unknown)}");
            notAcknowledgedButStored += storedReferences.Count(r => sent.TryGetValue(r, out var a) && !a.Acknowledged);

            expected[account] = (stored.Sum(d => d.Amount), 1 + stored.Count);
        }

        var clock = Stopwatch.StartNew();
        await Eventually.Until(
            async () =>
            {
                foreach (var node in nodes)
                {
                    foreach (var (account, (balance, version)) in expected)
                    {
                        var seen = await BankApi.ReadModelAccountAsync(node.Http, account, version);
                        if (seen is null)
                        {
                            return false;
                        }
                        Assert.True(seen == (balance, version),
                            $"{node.Name} shows {account} at balance {seen.Value.Balance} version {seen.Value.Version}; the journal says {balance} at version {version}");
                    }
                }
                return true;
            },
            convergeWithin, "every node's read model shows every account as the journal does");

        return new LedgerSummary(
            accounts.Count, attempts.Count, attempts.Count(a => a.Acknowledged), attempts.Count(a => !a.Acknowledged), notAcknowledgedButStored, clock.Elapsed);
    }
}
