using System.Diagnostics;

namespace BankAccounts.Benchmarks.Measurement;

/// <summary>Every latency of a run (no sampling, no histogram buckets): percentiles are exact.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _ticks.Length);

    /// <param name="stopwatchTicks">In <see cref="Stopwatch"/> ticks.</param>
    public void Record(long stopwatchTicks)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _ticks.Length)
        {
            _ticks[index] = stopwatchTicks;
        }
    }

    public LatencySummary Summarize()
    {
        var sorted = _ticks.AsSpan(0, Count).ToArray();
        Array.Sort(sorted);
        return LatencySummary.Of(sorted);
    }
}

/// <summary>Milliseconds.</summary>
internal sealed record LatencySummary(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);

    /// <param name="sortedTicks">Ascending, in <see cref="Stopwatch"/> ticks.</param>
    public static LatencySummary Of(long[] sortedTicks)
    {
        if (sortedTicks.Length == 0)
        {
            return Empty;
        }
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double At(double p) => Ms(sortedTicks[Math.Min(sortedTicks.Length - 1, (int)Math.Ceiling(p * sortedTicks.Length) - 1)]);
        return new(sortedTicks.Length, Ms((long)sortedTicks.Average()), At(0.50), At(0.95), At(0.99), Ms(sortedTicks[^1]));
    }

    public override string ToString() => $"p50 {P50:0.0} ms, p95 {P95:0.0} ms, p99 {P99:0.0} ms, max {Max:0} ms";
}
