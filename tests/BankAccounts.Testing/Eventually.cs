using System.Diagnostics;
using Xunit;

namespace BankAccounts.Testing;

/// <summary>Awaits a condition with a deadline, instead of sleeping and hoping. One helper for every test project.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls <paramref name="probe"/> until its value is <paramref name="done"/> and returns that value; fails with
    /// <paramref name="what"/> and the last value seen otherwise. A probe that fails the way a node that is not ready
    /// fails (no connection, a timeout, half a body) is asked again.
    /// </summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, string what, TimeSpan? every = null) =>
        (await Poll(probe, done, within, what, describe: null, every)).Value;

    /// <summary>
    /// Polls until <paramref name="condition"/> holds and returns how long that took; fails with <paramref name="what"/>
    /// and <paramref name="describe"/>'s last observation otherwise.
    /// </summary>
    public static async Task<TimeSpan> Until(Func<Task<bool>> condition, TimeSpan within, string what, Func<Task<string>>? describe = null, TimeSpan? every = null) =>
        (await Poll(condition, holds => holds, within, what, describe, every)).Elapsed;

    private static async Task<(T Value, TimeSpan Elapsed)> Poll<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, string what, Func<Task<string>>? describe, TimeSpan? every)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seen = "nothing yet";
            try
            {
                var value = await probe();
                if (done(value))
                {
                    return (value, clock.Elapsed);
                }
                seen = describe is null ? $"{value}" : await Describe(describe);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
            {
                seen = $"({e.GetType().Name}: {e.Message})";
            }
            if (clock.Elapsed > within)
            {
                Assert.Fail($"Timed out after {within.TotalSeconds:0} s waiting until {what}; last seen: {seen}");
            }
            await Task.Delay(every ?? DefaultInterval);
        }
    }

    private static async Task<string> Describe(Func<Task<string>> describe)
    {
        try
        {
            return await describe();
        }
        catch (Exception e)
        {
            return "(" + e.Message + ")";
        }
    }
}
