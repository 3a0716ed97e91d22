namespace BankAccounts.Actors;

/// <summary>Tuning of the transfer process managers (configuration section <c>BankAccounts:Transfers</c>).</summary>
public sealed class TransfersOptions
{
    public int ShardCount { get; set; } = 100;

    /// <summary>How long one step waits for the account's answer before it is retried.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First retry delay of a step that got no answer; doubles on each attempt up to <see cref="MaxRetryDelay"/>. Retries never stop.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A settle or refund the account refuses this many times in a row (it was not already applied)
    /// marks the transfer stuck instead of being retried forever or counted as done.
    /// </summary>
    public int MaxStepRefusals { get; set; } = 5;

    public TimeSpan PassivateIdleAfter { get; set; } = TimeSpan.FromMinutes(1);
}
