using BankAccounts.Actors.Telemetry;
using System.Collections.Concurrent;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.ReadModel.Queries;

namespace BankAccounts.Api.Live;

/// <summary>
/// The live feeds open on this node: bounded per caller and in all, each with its own bounded buffer, and
/// all ended (with a <c>shutdown</c> event) when the node starts to stop, so the host's graceful stop
/// never waits on them.
/// </summary>
internal sealed class LiveSubscriptions(LiveOptions options, ActorSystem system, IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, int> _byCaller = new(StringComparer.Ordinal);
    private readonly Lazy<IMaterializer> _materializer = new(() => system.Materializer());
    private int _open;
    private long _overflows;

    public LiveOptions Options => options;

    /// <summary>Feeds open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Feeds ended so far because their client fell behind.</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>
    /// Starts <paramref name="source"/> into a new subscription of <paramref name="caller"/>, which has
    /// delivered up to <paramref name="after"/>; null when the caller or the node already has as many as allowed.
    /// </summary>
    public LiveSubscription? TryStart(string caller, string feed, Source<LiveEvent, NotUsed> source, long after)
    {
        if (_byCaller.AddOrUpdate(caller, 1, (_, open) => open + 1) > options.MaxSubscriptionsPerCaller)
        {
            Leave(caller);
            return null;
        }
        if (Interlocked.Increment(ref _open) > options.MaxSubscriptions)
        {
            Interlocked.Decrement(ref _open);
            Leave(caller);
            return null;
        }
        var counted = BankAccountsTelemetry.LiveSubscriberConnected(feed);
        return new LiveSubscription(
            source, after, options, _materializer.Value, lifetime.ApplicationStopping,
            onOverflow: () => Interlocked.Increment(ref _overflows),
            onEnd: () =>
            {
                counted.Dispose();
                Interlocked.Decrement(ref _open);
                Leave(caller);
            });
    }

    private void Leave(string caller)
    {
        if (_byCaller.AddOrUpdate(caller, 0, (_, open) => open - 1) <= 0)
        {
            _byCaller.TryRemove(KeyValuePair.Create(caller, 0));
        }
    }
}
