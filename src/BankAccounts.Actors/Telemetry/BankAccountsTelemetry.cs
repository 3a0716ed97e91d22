using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BankAccounts.Actors.Telemetry;

/// <summary>
/// The application's own instrumentation: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <see cref="Name"/>, shared by the actors, the read side and the HTTP host. Akka.NET has no OpenTelemetry
/// integration of its own; the trace context travels in the command (<c>TraceParent</c>) and in every stored event's
/// metadata, and these spans are started from it. The domain knows nothing of this.
/// </summary>
public static class BankAccountsTelemetry
{
    public const string Name = "BankAccounts";

    public static readonly ActivitySource Source = new(Name, typeof(BankAccountsTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(BankAccountsTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Bucket boundaries (seconds) for durations from sub-millisecond writes to multi-second recoveries.</summary>
    internal static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly UpDownCounter<long> LiveSubscribers = Meter.CreateUpDownCounter<long>(
        "bankaccounts.live.subscribers", "{subscriber}", "Clients subscribed to a live event feed right now.");

    /// <summary>Counts a live-feed subscriber until the returned handle is disposed (call it when the subscription ends).</summary>
    public static IDisposable LiveSubscriberConnected(string feed)
    {
        var tags = new TagList { { "feed", feed } };
        LiveSubscribers.Add(1, tags);
        return new Countdown(() => LiveSubscribers.Add(-1, tags));
    }

    /// <summary>The span context of a stored W3C <c>traceparent</c>; default (invalid) when there is none or it does not parse.</summary>
    public static ActivityContext ContextOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;

    /// <summary>The W3C <c>traceparent</c> of a span, to be carried in a message or stored with an event.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity?.IdFormat == ActivityIdFormat.W3C ? activity.Id : null;

    /// <summary>
    /// Starts a span that is not made <see cref="Activity.Current"/>: actors handle many messages on one thread, so a
    /// span left current would become the parent of whatever the next message does.
    /// </summary>
    internal static Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent, IEnumerable<ActivityLink>? links = null)
    {
        var previous = Activity.Current;
        var activity = Source.StartActivity(name, kind, parent, links: links);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Ends a span started with <see cref="StartDetached"/>, leaving <see cref="Activity.Current"/> as it is.</summary>
    internal static void StopDetached(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }
        var current = Activity.Current;
        activity.Dispose();
        Activity.Current = current;
    }

    private sealed class Countdown(Action onDispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                onDispose();
            }
        }
    }
}
