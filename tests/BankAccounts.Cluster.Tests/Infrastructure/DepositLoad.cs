using System.Collections.Concurrent;
using System.Diagnostics;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>One deposit the load sent: where, when, and what came back (an HTTP status, or a transport error).</summary>
public sealed record DepositAttempt(string AccountId, string Reference, decimal Amount, string Node, TimeSpan SentAt, TimeSpan AnsweredAt, int? Status, string? Error)
{
    /// <summary>Acknowledged: the client was told the deposit is durable.</summary>
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>
/// A steady stream of deposits from several concurrent clients, spread over the accounts and over the
/// nodes currently in service (what a load balancer in front of the cluster does). Every attempt and
/// its outcome is recorded, so the tests can prove that every acknowledged deposit is in the journal.
/// </summary>
public sealed class DepositLoad : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _accounts;
    private readonly int _clients;
    private readonly ConcurrentQueue<DepositAttempt> _attempts = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock;
    private ClusterNode[] _inService = [];
    private long _sequence;
    private Task[] _workers = [];

    public DepositLoad(IReadOnlyList<string> accounts, IEnumerable<ClusterNode> inService, Stopwatch clock, int clients = 6)
    {
        _accounts = accounts;
        _clients = clients;
        _clock = clock;
        InService = inService;
    }

    /// <summary>The nodes the load sends to; change it to take a node out of (or back into) service.</summary>
    public IEnumerable<ClusterNode> InService
    {
        get => Volatile.Read(ref _inService);
        set => Volatile.Write(ref _inService, [.. value]);
    }

    public IReadOnlyCollection<DepositAttempt> Attempts => _attempts;

    public void Start() => _workers = [.. Enumerable.Range(0, _clients).Select(_ => Task.Run(RunClientAsync))];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    /// <summary>Completes once <paramref name="count"/> more deposits have been acknowledged (bounded by <paramref name="within"/>).</summary>
    public Task<TimeSpan> WaitForAcknowledgedAsync(int count, TimeSpan within)
    {
        var target = _attempts.Count(a => a.Acknowledged) + count;
        return Eventually.Until(() => Task.FromResult(_attempts.Count(a => a.Acknowledged) >= target), within, $"{count} more deposits are acknowledged");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }

    private async Task RunClientAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var nodes = Volatile.Read(ref _inService);
            if (nodes.Length == 0)
            {
                await Task.Delay(20);
                continue;
            }
            var n = Interlocked.Increment(ref _sequence);
            var account = _accounts[(int)(n % _accounts.Count)];
            var node = nodes[Random.Shared.Next(nodes.Length)];
            var amount = 1m + (n % 100) / 100m;
            var reference = $"load-{n}";
            var sentAt = _clock.Elapsed;
            try
            {
                // Not cancelled by _stop: a sent deposit always gets its outcome recorded.
                using var response = await BankApi.DepositAsync(node.Http, account, amount, reference);
                _attempts.Enqueue(new DepositAttempt(account, reference, amount, node.Name, sentAt, _clock.Elapsed, (int)response.StatusCode, null));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                _attempts.Enqueue(new DepositAttempt(account, reference, amount, node.Name, sentAt, _clock.Elapsed, null, e.GetType().Name + ": " + e.Message));
                await Task.Delay(20); // a refused connection fails instantly: do not spin
            }
        }
    }
}

public static class Deposits
{
    /// <summary>One deposit per account, each through the next node in turn (activates the accounts); all must be acknowledged.</summary>
    public static async Task<IReadOnlyList<DepositAttempt>> OnePerAccountAsync(IReadOnlyList<string> accounts, IReadOnlyList<ClusterNode> nodes, Stopwatch clock, string prefix)
    {
        return await Task.WhenAll(accounts.Select(async (account, i) =>
        {
            var node = nodes[i % nodes.Count];
            var reference = $"{prefix}-{i}";
            var sentAt = clock.Elapsed;
            using var response = await BankApi.DepositAsync(node.Http, account, 10m, reference);
            await BankApi.ExpectAsync(response, System.Net.HttpStatusCode.OK);
            return new DepositAttempt(account, reference, 10m, node.Name, sentAt, clock.Elapsed, (int)response.StatusCode, null);
        }));
    }
}
