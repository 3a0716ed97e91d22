using System.Diagnostics;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>Awaits a condition with a deadline, instead of sleeping and hoping.</summary>
public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> and the last observation otherwise.</summary>
    public static async Task<TimeSpan> Until(Func<Task<bool>> condition, TimeSpan within, string what, Func<Task<string>>? describe = null, TimeSpan? every = null)
    {
        var clock = Stopwatch.StartNew();
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return clock.Elapsed;
                }
                lastError = null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Text.Json.JsonException)
            {
                lastError = e;
            }
            if (clock.Elapsed > within)
            {
                var last = describe is null ? "" : await SafeDescribe(describe);
                Assert.Fail($"Timed out after {within.TotalSeconds:0} s waiting until {what}. {last} {lastError?.Message}");
            }
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }

    private static async Task<string> SafeDescribe(Func<Task<string>> describe)
    {
        try
        {
            return "Last seen: " + await describe();
        }
        catch (Exception e)
        {
            return "Last seen: (" + e.Message + ")";
        }
    }
}
