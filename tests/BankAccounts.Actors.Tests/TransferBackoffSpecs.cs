namespace BankAccounts.Actors.Tests;

public sealed class TransferBackoffSpecs
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 200)]
    [InlineData(3, 800)]
    [InlineData(8, 25_600)]
    [InlineData(9, 30_000)]
    public void Should_double_the_delay_per_attempt_up_to_the_maximum(int attempt, int expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), TransferProcessActor.Backoff(Min, Max, attempt));
    }

    [Fact]
    public void Should_stay_at_the_maximum_however_many_attempts_failed()
    {
        Assert.Equal(Max, TransferProcessActor.Backoff(Min, Max, int.MaxValue));
    }
}
