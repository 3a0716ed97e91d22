using System.Diagnostics;

namespace BankAccounts.Benchmarks.Measurement;

/// <summary>The outcome of one load run.</summary>
/// <param name="CpuPerOperation">Microseconds of CPU this process (client and hosts together) spent per operation: steadier than throughput on a noisy machine.</param>
internal sealed record LoadResult(int Operations, int Errors, TimeSpan Elapsed, LatencySummary Latency, double CpuPerOperation)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{Operations:N0} ops in {Elapsed.TotalSeconds:0.00} s = {PerSecond:N0}/s, {Latency}, {CpuPerOperation:N0} µs CPU/op, {Errors} errors";
}

/// <summary>Drives an operation with closed-loop (max throughput) or open-loop (fixed rate) load.</summary>
internal static class LoadDriver
{
    /// <summary>
    /// <paramref name="concurrency"/> callers, each starting its next operation when the previous one
    /// is answered, until <paramref name="operations"/> were done: the maximum throughput.
    /// </summary>
    /// <param name="operation">Gets the operation's index; returns false (or throws) when it failed.</param>
    public static async Task<LoadResult> ClosedLoopAsync(int operations, int concurrency, Func<int, Task<bool>> operation)
    {
        var recorder = new LatencyRecorder(operations);
        var next = -1;
        var errors = 0;
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < operations)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await Succeeds(operation, index))
                {
                    Interlocked.Increment(ref errors);
                }
                recorder.Record(Stopwatch.GetTimestamp() - start);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return new LoadResult(operations, errors, Stopwatch.GetElapsedTime(started), recorder.Summarize(), CpuPer(cpu, operations));
    }

    /// <summary>
    /// Starts operations at a fixed <paramref name="ratePerSecond"/> whatever the answers do (an open
    /// loop, like wrk2), at most <paramref name="maxInFlight"/> at once. Latency is counted from the
    /// moment an operation was due, so a stalled system is not hidden by the client slowing down
    /// (no coordinated omission).
    /// </summary>
    /// <param name="onCompleted">Called with the index and the completion timestamp of each successful operation.</param>
    public static async Task<LoadResult> OpenLoopAsync(
        double ratePerSecond, TimeSpan duration, int maxInFlight, Func<int, Task<bool>> operation, Action<int, long>? onCompleted = null)
    {
        var total = Math.Max(1, (int)(ratePerSecond * duration.TotalSeconds));
        var recorder = new LatencyRecorder(total);
        var slots = new SemaphoreSlim(maxInFlight);
        var errors = 0;
        var running = new Task[total];
        var ticksPerOperation = Stopwatch.Frequency / ratePerSecond;
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = started + (long)(i * ticksPerOperation);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }
            running[i] = Run(i, due);
        }
        await Task.WhenAll(running);
        return new LoadResult(total, errors, Stopwatch.GetElapsedTime(started), recorder.Summarize(), CpuPer(cpu, total));

        async Task Run(int index, long due)
        {
            await Task.Yield();
            await slots.WaitAsync();
            try
            {
                var sent = Math.Min(due, Stopwatch.GetTimestamp());
                var ok = await Succeeds(operation, index);
                var done = Stopwatch.GetTimestamp();
                recorder.Record(done - sent);
                if (ok)
                {
                    onCompleted?.Invoke(index, done);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    private static double CpuPer(TimeSpan since, int operations) => (CpuTime() - since).TotalMicroseconds / operations;

    private static async Task<bool> Succeeds(Func<int, Task<bool>> operation, int index)
    {
        try
        {
            return await operation(index);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }
}
