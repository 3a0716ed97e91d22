namespace BankAccounts.Api.Tests;

/// <summary>Awaits a condition with a deadline, instead of sleeping and hoping.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        var last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {within.TotalSeconds:0} s waiting until {what}; last seen: {last}");
            }
            await Task.Delay(50);
            last = await probe();
        }
        return last;
    }
}
