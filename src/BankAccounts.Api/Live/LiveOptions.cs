namespace BankAccounts.Api.Live;

/// <summary>The live event feeds (configuration section <c>BankAccounts:Live</c>).</summary>
public sealed class LiveOptions
{
    public const string SectionName = "BankAccounts:Live";

    /// <summary>How long an idle feed stays silent before it sends a <c>heartbeat</c> event (keeps proxies from closing it).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events held for one subscriber between the journal and its connection.</summary>
    public int BufferCapacity { get; set; } = 256;

    /// <summary>
    /// How long a subscriber's buffer may stay full (the client takes nothing) before the feed is ended
    /// with an <c>overflow</c> event; the client resumes from the last id it received.
    /// </summary>
    public TimeSpan SlowConsumerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Open feeds per caller (token subject) on this node; past it a new one is answered 429.</summary>
    public int MaxSubscriptionsPerCaller { get; set; } = 4;

    /// <summary>Open feeds on this node; past it a new one is answered 429.</summary>
    public int MaxSubscriptions { get; set; } = 1000;
}
