using System.Diagnostics;
using System.Globalization;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using BankAccounts.Domain.Security;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// SSE fan-out: N auditors follow <c>GET /events/live</c> over real HTTP while deposits are written at a
/// fixed rate; per phase, the events each subscriber received per second, the deliveries per second in
/// all, and how long after the last write every subscriber had the last event.
/// </summary>
internal sealed class LiveScenario : IScenario
{
    private const int Accounts = 100;
    private static readonly TimeSpan CatchUpDeadline = TimeSpan.FromSeconds(60);

    public string Name => "live";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        await using var store = await BenchmarkStore.CreateAsync(options, "live");
        await using var api = await ApiHost.StartAsync(store);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseProxy = false, MaxResponseDrainSize = 0 };
        // The teller by default; each subscriber's request names its own auditor.
        using var http = new HttpClient(handler) { BaseAddress = api.Address, Timeout = Timeout.InfiniteTimeSpan, DefaultRequestHeaders = { Authorization = api.Authorization } };

        var accounts = await HttpWorkload.OpenAccountsAsync(http, "live", Accounts, 16);
        // Each phase's subscribers resume after the last event already written: no catch-up in the figures.
        var lastOffset = await TipAsync(http, api);
        var phases = new List<object>();
        foreach (var count in options.LiveSubscribers)
        {
            using var stop = new CancellationTokenSource();
            var subscribers = Enumerable.Range(0, count).Select(_ => new Subscriber()).ToArray();
            // One auditor each: the per-caller limit is what a real deployment has too.
            var reading = await Task.WhenAll(subscribers.Select((s, i) =>
                s.ConnectAsync(http, api.AuthorizationFor(new Principal($"bench-auditor-{i}", Role.Auditor)), lastOffset, stop.Token)));

            var started = Stopwatch.GetTimestamp();
            var writes = await LoadDriver.OpenLoopAsync(options.LiveWriteRate, options.LiveDuration, 256, _ => HttpWorkload.DepositAsync(http, accounts));
            var writesEnded = Stopwatch.GetTimestamp();
            var written = writes.Operations - writes.Errors;
            var caughtUp = await WaitAsync(() => subscribers.All(s => s.Received >= written), CatchUpDeadline);
            await stop.CancelAsync();
            await Task.WhenAll(reading);

            var perSubscriber = subscribers.Select(s => s.Received / Math.Max(Stopwatch.GetElapsedTime(started, s.LastReceivedAt).TotalSeconds, 1e-3)).ToList();
            var lagMs = subscribers.Max(s => Stopwatch.GetElapsedTime(writesEnded, Math.Max(s.LastReceivedAt, writesEnded)).TotalMilliseconds);
            var total = perSubscriber.Sum();
            var overflows = subscribers.Count(s => s.Overflowed);
            lastOffset = Math.Max(lastOffset, subscribers.Max(s => s.LastId));
            context.Log($"live: {count} subscribers, {writes.PerSecond:N0} writes/s ({written} events): {perSubscriber.Min():N0}…{perSubscriber.Max():N0} events/s per subscriber, " +
                $"{total:N0} deliveries/s, all caught up {lagMs:N0} ms after the last write{(caughtUp ? "" : " (NOT all caught up)")}, {overflows} overflows");

            var report = context.Report;
            var metric = $"SSE fan-out, {count} subscriber{(count == 1 ? "" : "s")}";
            report.Add(new ResultRow(Name, $"{metric}: writes/s", writes.PerSecond, "/s"));
            report.Add(new ResultRow(Name, $"{metric}: events/s per subscriber (min)", perSubscriber.Min(), "/s"));
            report.Add(new ResultRow(Name, $"{metric}: deliveries/s in all", total, "/s"));
            report.Add(new ResultRow(Name, $"{metric}: lag after last write (max)", lagMs, "ms", "all caught up, no overflow", caughtUp && overflows == 0));
            phases.Add(new { count, writes, written, perSubscriber = new { min = perSubscriber.Min(), max = perSubscriber.Max() }, total, lagMs, caughtUp, overflows });
        }
        context.Report.Detail("live", new { options.LiveWriteRate, options.LiveDuration, phases });
    }

    /// <summary>The global offset of the last event so far (the accounts' openings), read through the feed itself.</summary>
    private static async Task<long> TipAsync(HttpClient http, ApiHost api)
    {
        using var stop = new CancellationTokenSource();
        var probe = new Subscriber();
        var reading = await probe.ConnectAsync(http, api.AuthorizationFor(new Principal("bench-probe", Role.Auditor)), 0, stop.Token);
        if (!await WaitAsync(() => probe.Received >= Accounts, CatchUpDeadline))
        {
            throw new InvalidOperationException($"The feed sent {probe.Received} of the {Accounts} openings.");
        }
        await stop.CancelAsync();
        await reading;
        return probe.LastId;
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
    }

    /// <summary>One SSE client: counts the events (lines <c>id: …</c>) it is sent, and when the last one came.</summary>
    private sealed class Subscriber
    {
        private long _received;

        public long Received => Interlocked.Read(ref _received);

        public long LastId { get; private set; }

        public long LastReceivedAt { get; private set; }

        public bool Overflowed { get; private set; }

        /// <summary>Connects (headers in) and returns the task that reads the feed until <paramref name="stop"/>.</summary>
        public async Task<Task> ConnectAsync(HttpClient http, System.Net.Http.Headers.AuthenticationHeaderValue authorization, long after, CancellationToken stop)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/events/live");
            request.Headers.Authorization = authorization;
            request.Headers.Add("Last-Event-ID", after.ToString(CultureInfo.InvariantCulture));
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
            response.EnsureSuccessStatusCode();
            LastReceivedAt = Stopwatch.GetTimestamp();
            return ReadAsync(request, response, stop);
        }

        private async Task ReadAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken stop)
        {
            using (request)
            using (response)
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
                try
                {
                    while (await reader.ReadLineAsync(stop) is { } line)
                    {
                        if (line.StartsWith("id: ", StringComparison.Ordinal))
                        {
                            LastId = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                            LastReceivedAt = Stopwatch.GetTimestamp();
                            Interlocked.Increment(ref _received);
                        }
                        else if (line == "event: overflow")
                        {
                            Overflowed = true;
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // The phase is over.
                }
            }
        }
    }
}
