using System.Net;
using System.Text.Json;
using BankAccounts.Api.Live;
using BankAccounts.Domain.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.Api.Tests;

/// <summary>
/// A host that holds four events per subscriber and cuts one off after a second without progress. Its sockets
/// buffer little, so a reader that stops reading backs up to the feed within a few hundred events instead of the
/// megabytes loopback autotuning would otherwise absorb (which made the cut-off depend on the machine's speed).
/// </summary>
public sealed class SlowConsumerApiTestHost() : ApiTestHost(
    "--BankAccounts:Live:BufferCapacity=4", "--BankAccounts:Live:SlowConsumerTimeout=00:00:01")
{
    private const int SmallBuffer = 4096;

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxResponseBufferSize = SmallBuffer);
        services.Configure<SocketTransportOptions>(sockets => sockets.CreateBoundListenSocket = endpoint =>
        {
            // Accepted connections inherit the listening socket's send buffer, and a fixed size turns autotuning off.
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            socket.SendBufferSize = SmallBuffer;
            return socket;
        });
    }
}

/// <summary>How the server ends a feed: a reader that stopped reading, a node that shuts down. Neither loses an event.</summary>
public sealed class LiveFeedEndingSpecs(SlowConsumerApiTestHost host) : IClassFixture<SlowConsumerApiTestHost>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Should_cut_off_a_reader_that_stops_reading_with_an_overflow_event_and_let_it_resume_losing_nothing()
    {
        var subscriptions = host.Services.GetRequiredService<LiveSubscriptions>();
        var overflowsBefore = subscriptions.Overflows;
        var id = await host.Accounts.Open();
        using var slowClient = SseConnection.Client(host, Role.Customer, ApiTestHost.CustomerSubject, receiveBufferSize: 4096);
        await using var slow = await SseConnection.OpenAsync(slowClient, $"/accounts/{id}/events/live");
        var received = new List<long> { (await slow.NextEventAsync(Within))!.Position };

        // The reader stops reading while deposits keep coming, until the server gives up on it.
        using var stopWriting = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var written = 1L;
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                await host.Accounts.Deposit(id, 1m);
                Interlocked.Increment(ref written);
            }
        });
        await Eventually.Until(() => Task.FromResult(subscriptions.Overflows), n => n > overflowsBefore || writer.IsCompleted,
            TimeSpan.FromSeconds(60), "the server cuts the stalled reader off");
        await stopWriting.CancelAsync();
        await writer;
        Assert.True(subscriptions.Overflows > overflowsBefore, "the stalled reader was not cut off");

        SseEvent? ended = null;
        while (await slow.NextEventAsync(Within) is { } next)
        {
            if (next.Type == LiveSubscription.OverflowEvent)
            {
                ended = next;
                break;
            }
            received.Add(next.Position);
        }
        Assert.NotNull(ended);
        Assert.Null(await slow.NextAsync(Within)); // the overflow event is the last one
        var reason = JsonDocument.Parse(ended.Data).RootElement;
        Assert.Equal("overflow", reason.GetProperty("reason").GetString());
        Assert.Equal(received[^1], reason.GetProperty("lastEventId").GetInt64());
        var resume = reason.GetProperty("resume").GetString()!;
        Assert.Equal($"/accounts/{id}/events/live?from={received[^1] + 1}", resume);

        using var client = SseConnection.Client(host, Role.Customer, ApiTestHost.CustomerSubject);
        await using var resumed = await SseConnection.OpenAsync(client, resume);
        while (received[^1] < written)
        {
            received.Add((await resumed.NextEventAsync(Within) ?? throw new Xunit.Sdk.XunitException("The resumed feed ended.")).Position);
        }
        Assert.Equal(Enumerable.Range(1, (int)written).Select(n => (long)n), received);
    }

    [Fact]
    public async Task Should_end_every_feed_with_a_shutdown_event_when_the_node_stops()
    {
        var node = new ApiTestHost();
        await node.InitializeAsync();
        var stopped = false;
        try
        {
            var id = await node.Accounts.Open();
            using var client = SseConnection.Client(node, Role.Customer, ApiTestHost.CustomerSubject);
            await using var feed = await SseConnection.OpenAsync(client, $"/accounts/{id}/events/live");
            Assert.Equal(HttpStatusCode.OK, feed.Response.StatusCode);
            Assert.Equal(1, (await feed.NextEventAsync(Within))!.Position);

            var stopping = node.DisposeAsync();
            stopped = true;
            var last = await feed.NextEventAsync(Within);
            await stopping;

            Assert.Equal(LiveSubscription.ShutdownEvent, last?.Type);
            var reason = JsonDocument.Parse(last!.Data).RootElement;
            Assert.Equal(1, reason.GetProperty("lastEventId").GetInt64());
            Assert.Null(await feed.NextAsync(Within));
        }
        finally
        {
            if (!stopped)
            {
                await node.DisposeAsync();
            }
        }
    }
}
