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
/// <param name="Quiet">False when the cap (or a failing round) ended the warm-up before the JIT was quiet.</param>
/// <param name="Errors">Failed operations in all rounds; a round with errors ends the warm-up.</param>
internal sealed record WarmUpResult(LoadResult Cold, int Rounds, int Operations, JitActivity Jit, bool Quiet, int Errors)
{
    public string Summary => $"{Rounds} rounds, {Operations:N0} ops, {Jit.Methods:N0} methods, {Jit.Milliseconds:N0} ms JIT" +
        (Quiet ? "" : Errors > 0 ? $"; stopped by {Errors:N0} errors, JIT not quiet" : "; cap or budget reached, JIT not quiet");

    public override string ToString() => $"warm-up: {Jit.Seconds:0.0} s, {Summary}";
}

/// <summary>
/// Runs a workload in rounds until the JIT is quiet: a server runs for weeks, so the figures that
/// matter are those after tiered compilation has settled. The first round is kept as the cold figure.
/// </summary>
internal static class SteadyState
{
    /// <summary>
    /// JIT time per second of load below which a round counts as quiet: 5 ms/s, 0.5 % of one core (the cold
    /// rounds spend 300-700 ms/s). 1 ms/s was tried: on this shared 2-core machine background tier-1 and OSR
    /// compilations (2-30 ms/s in bursts) kept it from being reached within a minute.
    /// </summary>
    public const double QuietMillisecondsPerSecond = 5.0;

    /// <summary>Consecutive quiet rounds that end the warm-up.</summary>
    public const int QuietRounds = 2;

    /// <summary>Longest warm-up (the cap: 60 s; 40 s keeps the default run short).</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(40);

    /// <summary>Rounds after the first last about this long (sized from the previous round's rate).</summary>
    public static readonly TimeSpan RoundLength = TimeSpan.FromSeconds(2);

    /// <param name="round">Runs one round of the given number of operations (closed loop).</param>
    /// <param name="coldOperations">Size of the first round, the cold measurement.</param>
    /// <param name="maxOperations">A budget: no round starts that would take the warm-up past it.</param>
    public static async Task<WarmUpResult> WarmUpAsync(Func<int, Task<LoadResult>> round, int coldOperations, Action<string> log, int maxOperations = int.MaxValue, TimeSpan? cap = null)
    {
        var limit = cap ?? Cap;
        var clock = JitActivity.Start();
        var started = Stopwatch.GetTimestamp();
        var roundJit = JitActivity.Start();
        var cold = await round(coldOperations);
        log($"  cold: {cold}; JIT {roundJit.Stop()}");
        var (rounds, operations, quiet, last, errors) = (1, coldOperations, 0, cold, cold.Errors);
        while (quiet < QuietRounds && errors == 0 && Stopwatch.GetElapsedTime(started) < limit)
        {
            var size = Math.Max(500, (int)(last.PerSecond * RoundLength.TotalSeconds));
            if (operations + size > maxOperations)
            {
                log($"  operation budget ({maxOperations:N0}) reached");
                break;
            }
            roundJit = JitActivity.Start();
            last = await round(size);
            var jit = roundJit.Stop();
            (rounds, operations, errors) = (rounds + 1, operations + size, errors + last.Errors);
            quiet = jit.MillisecondsPerSecond < QuietMillisecondsPerSecond ? quiet + 1 : 0;
            log($"  round {rounds}: {last.PerSecond:N0}/s, {last.CpuPerOperation:N0} µs CPU/op, {last.Errors} errors; JIT {jit}");
        }
        return new WarmUpResult(cold, rounds, operations, clock.Stop(), quiet >= QuietRounds, errors);
    }
}
