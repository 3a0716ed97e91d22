using System.Diagnostics;
using System.Runtime;

namespace BankAccounts.Benchmarks.Measurement;

/// <summary>What the JIT did in this process (all threads) between two readings of <see cref="JitInfo"/>.</summary>
internal sealed record JitActivity(long Methods, double Milliseconds, double Seconds)
{
    public double MillisecondsPerSecond => Seconds > 0 ? Milliseconds / Seconds : 0;

    public double MethodsPerSecond => Seconds > 0 ? Methods / Seconds : 0;

    /// <summary>Starts a reading; <see cref="JitClock.Stop"/> gives the activity since.</summary>
    public static JitClock Start() => new(JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime(), Stopwatch.GetTimestamp());

    public override string ToString() => $"{Methods:N0} methods, {Milliseconds:N0} ms JIT in {Seconds:0.0} s ({MillisecondsPerSecond:0.00} ms/s, {MethodsPerSecond:0.0} methods/s)";
}

internal readonly record struct JitClock(long Methods, TimeSpan Time, long Timestamp)
{
    public JitActivity Stop() => new(
        JitInfo.GetCompiledMethodCount() - Methods,
        (JitInfo.GetCompilationTime() - Time).TotalMilliseconds,
        Stopwatch.GetElapsedTime(Timestamp).TotalSeconds);
}

/// <summary>The warm-up before a steady-state measurement: the first (cold) round, and how long the JIT took to go quiet.</summary>
/// <param name="Cold">The first round: a freshly started host, what a measurement right after start sees.</param>
/// <param name="Quiet">False when the cap ended the warm-up before the JIT was quiet.</param>
internal sealed record WarmUpResult(LoadResult Cold, int Rounds, int Operations, JitActivity Jit, bool Quiet)
{
    public override string ToString() =>
        $"warm-up: {Jit.Seconds:0.0} s, {Rounds} rounds, {Operations:N0} ops, {Jit.Methods:N0} methods, {Jit.Milliseconds:N0} ms JIT{(Quiet ? "" : " (cap reached, JIT not quiet)")}";
}

/// <summary>
/// Runs a workload in rounds until the JIT is quiet: a server runs for weeks, so the figures that
/// matter are those after tiered compilation has settled. The first round is kept as the cold figure.
/// </summary>
internal static class SteadyState
{
    /// <summary>JIT time per second of load below which a round counts as quiet (1 ms/s: 0.1 % of one core).</summary>
    public const double QuietMillisecondsPerSecond = 1.0;

    /// <summary>Consecutive quiet rounds that end the warm-up.</summary>
    public const int QuietRounds = 2;

    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    /// <summary>Rounds after the first last about this long (sized from the previous round's rate).</summary>
    public static readonly TimeSpan RoundLength = TimeSpan.FromSeconds(2);

    /// <param name="round">Runs one round of the given number of operations (closed loop).</param>
    /// <param name="coldOperations">Size of the first round, the cold measurement.</param>
    public static async Task<WarmUpResult> WarmUpAsync(Func<int, Task<LoadResult>> round, int coldOperations, Action<string> log, TimeSpan? cap = null)
    {
        var limit = cap ?? Cap;
        var clock = JitActivity.Start();
        var started = Stopwatch.GetTimestamp();
        var roundJit = JitActivity.Start();
        var cold = await round(coldOperations);
        log($"  cold: {cold}; JIT {roundJit.Stop()}");
        var (rounds, operations, quiet, last) = (1, coldOperations, 0, cold);
        while (quiet < QuietRounds && Stopwatch.GetElapsedTime(started) < limit)
        {
            var size = Math.Max(500, (int)(last.PerSecond * RoundLength.TotalSeconds));
            roundJit = JitActivity.Start();
            last = await round(size);
            var jit = roundJit.Stop();
            (rounds, operations) = (rounds + 1, operations + size);
            quiet = jit.MillisecondsPerSecond < QuietMillisecondsPerSecond ? quiet + 1 : 0;
            log($"  round {rounds}: {last.PerSecond:N0}/s, {last.CpuPerOperation:N0} µs CPU/op; JIT {jit}");
        }
        return new WarmUpResult(cold, rounds, operations, clock.Stop(), quiet >= QuietRounds);
    }
}
