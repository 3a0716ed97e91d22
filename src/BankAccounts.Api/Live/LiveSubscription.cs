using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Api.Contracts;
using BankAccounts.ReadModel.Queries;

namespace BankAccounts.Api.Live;

/// <summary>
/// One subscriber's feed: the journal query runs into a bounded buffer, and <see cref="ReadAllAsync"/>
/// turns the buffer into server-sent events. The query waits while the buffer is full (it pulls from the
/// journal, so waiting holds no more memory); a buffer that stays full for
/// <see cref="LiveOptions.SlowConsumerTimeout"/> ends the feed with an <c>overflow</c> event after the
/// events already buffered, so the client knows exactly where to resume and nothing is skipped silently.
/// </summary>
internal sealed class LiveSubscription : IDisposable
{
    public const string HeartbeatEvent = "heartbeat";
    public const string OverflowEvent = "overflow";
    public const string ShutdownEvent = "shutdown";
    public const string UnavailableEvent = "unavailable";

    private static readonly JsonSerializerOptions EndJson = new(JsonSerializerDefaults.Web);

    private readonly Channel<LiveEvent> _buffer;
    private readonly UniqueKillSwitch _killSwitch;
    private readonly LiveOptions _options;
    private readonly CancellationToken _stopping;
    private readonly Action _onOverflow;
    private readonly Action _onEnd;
    private long _lastDelivered;
    private volatile bool _overflowed;
    private int _disposed;

    public LiveSubscription(
        Source<LiveEvent, NotUsed> source, long after, LiveOptions options, IMaterializer materializer,
        CancellationToken stopping, Action onOverflow, Action onEnd)
    {
        _lastDelivered = after;
        _options = options;
        _stopping = stopping;
        _onOverflow = onOverflow;
        _onEnd = onEnd;
        _buffer = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(options.BufferCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        (_killSwitch, var completion) = source
            .ViaMaterialized(KillSwitches.Single<LiveEvent>(), Keep.Right)
            .SelectAsync(1, OfferAsync)
            .TakeWhile(accepted => accepted)
            .ToMaterialized(Sink.Ignore<bool>(), Keep.Both)
            .Run(materializer);
        // A failed journal query (database gone) ends the feed after what it already buffered.
        completion.ContinueWith(_ => _buffer.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>
    /// The feed as server-sent events: each event with <c>id:</c> its position, <c>event:</c> its manifest and
    /// <c>data:</c> its stored JSON; <c>heartbeat</c> events while idle; a last <see cref="LiveFeedEnded"/>
    /// event when the server ends the feed. Ends (and stops the journal query) when the client goes away.
    /// </summary>
    /// <param name="resumeUrl">The URL that resumes the feed after a given id.</param>
    public async IAsyncEnumerable<SseItem<string>> ReadAllAsync(
        Func<long, string> resumeUrl, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            using var ending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping);
            while (true)
            {
                var (next, item) = await NextAsync(ending.Token);
                switch (next)
                {
                    case Next.Event:
                        _lastDelivered = item!.Id;
                        yield return new SseItem<string>(item.Json, item.Type) { EventId = item.Id.ToString(CultureInfo.InvariantCulture) };
                        break;
                    case Next.Heartbeat:
                        yield return new SseItem<string>(string.Empty, HeartbeatEvent);
                        break;
                    case Next.Ended when !cancellationToken.IsCancellationRequested:
                        yield return Ended(resumeUrl);
                        yield break;
                    default:
                        yield break; // the client went away: nobody to tell
                }
            }
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Stops the journal query and frees the subscriber's slot; safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _killSwitch.Shutdown();
            _buffer.Writer.TryComplete();
            _onEnd();
        }
    }

    private async Task<bool> OfferAsync(LiveEvent item)
    {
        if (_buffer.Writer.TryWrite(item))
        {
            return true;
        }
        using var timeout = new CancellationTokenSource(_options.SlowConsumerTimeout);
        try
        {
            await _buffer.Writer.WriteAsync(item, timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            _overflowed = true;
            _onOverflow();
            _buffer.Writer.TryComplete();
            return false;
        }
        catch (ChannelClosedException)
        {
            return false; // the subscriber is gone
        }
    }

    private async Task<(Next, LiveEvent?)> NextAsync(CancellationToken ending)
    {
        while (true)
        {
            if (_buffer.Reader.TryRead(out var item))
            {
                return (Next.Event, item);
            }
            using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ending);
            heartbeat.CancelAfter(_options.HeartbeatInterval);
            try
            {
                if (!await _buffer.Reader.WaitToReadAsync(heartbeat.Token))
                {
                    return (Next.Ended, null);
                }
            }
            catch (OperationCanceledException) when (!ending.IsCancellationRequested)
            {
                return (Next.Heartbeat, null);
            }
            catch (OperationCanceledException)
            {
                return (Next.Ended, null); // shutting down, or the client went away
            }
        }
    }

    private SseItem<string> Ended(Func<long, string> resumeUrl)
    {
        var (type, detail) =
            _overflowed ? (OverflowEvent, $"The client took no event for {_options.SlowConsumerTimeout.TotalSeconds:0.#} s while {_options.BufferCapacity} were waiting; resume after the last id received.")
            : _stopping.IsCancellationRequested ? (ShutdownEvent, "The server is shutting down; resume after the last id received, on this or another node.")
            : (UnavailableEvent, "The journal could not be read; resume after the last id received.");
        var ended = new LiveFeedEnded(type, detail, _lastDelivered, resumeUrl(_lastDelivered));
        return new SseItem<string>(JsonSerializer.Serialize(ended, EndJson), type);
    }

    private enum Next
    {
        Event,
        Heartbeat,
        Ended,
    }
}
