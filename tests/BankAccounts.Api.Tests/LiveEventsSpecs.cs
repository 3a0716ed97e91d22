using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankAccounts.Api.Live;
using BankAccounts.Domain.Security;
using Microsoft.Extensions.DependencyInjection;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>A host whose idle feeds beat every 200 ms and whose callers may open three feeds each.</summary>
public sealed class LiveApiTestHost() : ApiTestHost(
    "--BankAccounts:Live:HeartbeatInterval=00:00:00.2", "--BankAccounts:Live:MaxSubscriptionsPerCaller=3");

/// <summary>Live feeds over real HTTP: order, hand-over from the journal to live, resume, wire format, access, limits.</summary>
public sealed class LiveEventsSpecs(LiveApiTestHost host) : IClassFixture<LiveApiTestHost>, IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    private readonly AccountsClient _api = host.Accounts;
    private readonly HttpClient _customer = SseConnection.Client(host, Role.Customer, ApiTestHost.CustomerSubject);

    [Fact]
    public async Task Should_send_the_stored_events_in_order_then_each_new_one_as_it_is_persisted()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 1m);
        await _api.Deposit(id, 2m);
        await using var feed = await SseConnection.OpenAsync(_customer, $"/accounts/{id}/events/live");
        Assert.Equal(HttpStatusCode.OK, feed.Response.StatusCode);
        Assert.Equal("text/event-stream", feed.Response.Content.Headers.ContentType?.MediaType);

        var stored = await ReadEvents(feed, 3);
        await _api.Deposit(id, 3m);
        await _api.Withdraw(id, 4m);
        var live = await ReadEvents(feed, 2);

        Assert.Equal([1, 2, 3, 4, 5], stored.Concat(live).Select(e => e.Position));
        Assert.Equal(
            ["AccountOpened.v2", "MoneyDeposited.v2", "MoneyDeposited.v2", "MoneyDeposited.v2", "MoneyWithdrawn.v2"],
            stored.Concat(live).Select(e => e.Type));
    }

    [Fact]
    public async Task Should_send_each_event_as_one_data_line_holding_its_stored_json()
    {
        var id = await _api.Open(owner: "Ada \"the\" Countess — Lovelace");
        await _api.Deposit(id, 12.5m);
        using (var declined = await _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 100 }"""))
        {
            await ExpectProblem(declined, HttpStatusCode.UnprocessableEntity, "insufficient-funds"); // recorded: in the stream too
        }
        using var page = await host.Http.GetAsync($"/accounts/{id}/events");
        var stored = (await Expect(page, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        await using var feed = await SseConnection.OpenAsync(_customer, $"/accounts/{id}/events/live");

        var events = await ReadEvents(feed, stored.Count);

        Assert.Equal(3, stored.Count);
        foreach (var (sent, item) in events.Zip(stored))
        {
            Assert.Equal(item.GetProperty("sequenceNr").GetInt64(), sent.Position);
            Assert.Equal(item.GetProperty("type").GetString(), sent.Type);
            var data = Assert.Single(sent.DataLines);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(item.GetProperty("data").GetRawText()), JsonNode.Parse(data)),
                $"data: {data}\nGET /events: {item.GetProperty("data").GetRawText()}");
        }
        // Each event on the wire is exactly: event, one data line, id, then a blank line.
        var blocks = Blocks(feed.Lines).Where(block => block[0] != "event: heartbeat").Take(events.Count);
        Assert.Equal(events.Select(e => new[] { $"event: {e.Type}", $"data: {e.DataLines[0]}", $"id: {e.Id}" }), blocks);
    }

    [Fact]
    public async Task Should_resume_after_a_forced_disconnect_under_concurrent_writes_without_gap_or_duplicate()
    {
        const int deposits = 150;
        var id = await _api.Open();
        var received = new List<long>();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < deposits; i++)
            {
                await _api.Deposit(id, 1m);
            }
        });

        string lastId;
        await using (var first = await SseConnection.OpenAsync(_customer, $"/accounts/{id}/events/live"))
        {
            var part = await ReadEvents(first, 20);
            received.AddRange(part.Select(e => e.Position));
            lastId = part[^1].Id!;
        } // the connection drops while deposits keep coming

        await using var second = await SseConnection.OpenAsync(_customer, $"/accounts/{id}/events/live", lastEventId: lastId);
        while (received[^1] < deposits + 1)
        {
            var next = await second.NextEventAsync(Within) ?? throw new Xunit.Sdk.XunitException("The feed ended.");
            received.Add(next.Position);
        }
        await writer;

        Assert.Equal(Enumerable.Range(1, deposits + 1).Select(n => (long)n), received);
    }

    [Fact]
    public async Task Should_start_at_from_and_let_Last_Event_ID_win_over_it()
    {
        var id = await _api.Open();
        for (var i = 0; i < 4; i++)
        {
            await _api.Deposit(id, 1m);
        }

        await using (var fromThird = await SseConnection.OpenAsync(_customer, $"/accounts/{id}/events/live?from=3"))
        {
            Assert.Equal(3, (await fromThird.NextEventAsync(Within))!.Position);
        }
        await using var afterFourth = await SseConnection.OpenAsync(_customer, $"/accounts/{id}/events/live?from=2", lastEventId: "4");
        Assert.Equal(5, (await afterFourth.NextEventAsync(Within))!.Position);
    }

    [Fact]
    public async Task Should_send_heartbeats_without_an_id_while_idle()
    {
        var id = await _api.Open();
        await using var feed = await SseConnection.OpenAsync(_customer, $"/accounts/{id}/events/live");
        Assert.Equal(1, (await feed.NextAsync(Within))!.Position);

        var idle = await feed.NextAsync(Within);

        Assert.Equal("heartbeat", idle!.Type);
        Assert.Null(idle.Id);
        Assert.Equal("", idle.Data);
    }

    [Fact]
    public async Task Should_follow_every_account_in_global_order_for_an_auditor_and_resume_from_a_global_offset()
    {
        using var auditor = SseConnection.Client(host, Role.Auditor, "live-auditor");
        var (a, b) = (await _api.Open(owner: "A"), await _api.Open(owner: "B"));
        foreach (var account in new[] { a, b, a, b })
        {
            await _api.Deposit(account, 1m);
        }

        List<(long Offset, string Account, long SequenceNr, JsonElement Data)> ours = [];
        List<long> offsets = [];
        await using (var feed = await SseConnection.OpenAsync(auditor, "/events/live"))
        {
            Assert.Equal(HttpStatusCode.OK, feed.Response.StatusCode);
            while (ours.Count < 6)
            {
                var next = await feed.NextEventAsync(Within) ?? throw new Xunit.Sdk.XunitException("The feed ended.");
                offsets.Add(next.Position);
                var envelope = JsonDocument.Parse(Assert.Single(next.DataLines)).RootElement.Clone();
                var account = envelope.GetProperty("accountId").GetString()!;
                if (account == a || account == b)
                {
                    ours.Add((next.Position, account, envelope.GetProperty("sequenceNr").GetInt64(), envelope.GetProperty("data")));
                }
            }
        }

        Assert.Equal(offsets.Order(), offsets);
        Assert.Equal(offsets.Count, offsets.Distinct().Count());
        Assert.Equal([a, b, a, b, a, b], ours.Select(e => e.Account));
        Assert.Equal([1, 1, 2, 2, 3, 3], ours.Select(e => e.SequenceNr));
        foreach (var (_, account, sequenceNr, data) in ours)
        {
            using var page = await host.Http.GetAsync($"/accounts/{account}/events?from={sequenceNr}&limit=1");
            var stored = (await Expect(page, HttpStatusCode.OK)).GetProperty("items")[0].GetProperty("data");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.GetRawText()), JsonNode.Parse(data.GetRawText())));
        }

        await using var resumed = await SseConnection.OpenAsync(auditor, "/events/live", lastEventId: ours[3].Offset.ToString());
        Assert.Equal(offsets.First(o => o > ours[3].Offset), (await resumed.NextEventAsync(Within))!.Position);
    }

    [Fact]
    public async Task Should_answer_another_customers_account_with_404_and_a_customer_on_the_all_accounts_feed_with_403_while_staff_may_follow()
    {
        var id = await _api.Open();
        using var stranger = SseConnection.Client(host, Role.Customer, "someone-else");
        using var teller = SseConnection.Client(host, Role.Teller, "live-teller");
        using var admin = SseConnection.Client(host, Role.Admin, "live-admin");

        await using var foreign = await SseConnection.OpenAsync(stranger, $"/accounts/{id}/events/live");
        await using var missing = await SseConnection.OpenAsync(_customer, $"/accounts/{Guid.NewGuid()}/events/live");
        await using var all = await SseConnection.OpenAsync(_customer, "/events/live");
        await using var tellers = await SseConnection.OpenAsync(teller, $"/accounts/{id}/events/live");
        await using var admins = await SseConnection.OpenAsync(admin, "/events/live");

        await ExpectProblem(foreign.Response, HttpStatusCode.NotFound, "account-not-found");
        await ExpectProblem(missing.Response, HttpStatusCode.NotFound, "account-not-found");
        await ExpectProblem(all.Response, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, tellers.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admins.Response.StatusCode);
    }

    [Theory]
    [InlineData(null, "abc")]
    [InlineData(null, "-1")]
    [InlineData(null, "")]
    [InlineData("0", null)]
    [InlineData("x", null)]
    public async Task Should_answer_a_bad_position_with_400(string? from, string? lastEventId)
    {
        var id = await _api.Open();
        var query = from is null ? "" : $"?from={from}";

        await using var feed = await SseConnection.OpenAsync(_customer, $"/accounts/{id}/events/live{query}", lastEventId);
        using var auditor = SseConnection.Client(host, Role.Auditor, "position-auditor");
        await using var all = await SseConnection.OpenAsync(auditor, $"/events/live{query}", lastEventId);

        await ExpectProblem(feed.Response, HttpStatusCode.BadRequest, "invalid-request");
        await ExpectProblem(all.Response, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task Should_refuse_a_caller_past_its_feed_limit_with_429_and_free_the_slots_when_clients_leave()
    {
        var subscriptions = host.Services.GetRequiredService<LiveSubscriptions>();
        using var greedy = SseConnection.Client(host, Role.Auditor, "greedy-auditor");
        using var patient = SseConnection.Client(host, Role.Auditor, "patient-auditor");
        var feeds = new List<SseConnection>();
        for (var i = 0; i < 3; i++)
        {
            feeds.Add(await SseConnection.OpenAsync(greedy, "/events/live"));
            Assert.Equal(HttpStatusCode.OK, feeds[^1].Response.StatusCode);
        }

        await using (var fourth = await SseConnection.OpenAsync(greedy, "/events/live"))
        {
            await ExpectProblem(fourth.Response, HttpStatusCode.TooManyRequests, "too-many-requests");
            Assert.NotNull(fourth.Response.Headers.RetryAfter);
        }
        await using (var otherCaller = await SseConnection.OpenAsync(patient, "/events/live"))
        {
            Assert.Equal(HttpStatusCode.OK, otherCaller.Response.StatusCode);
        }
        foreach (var feed in feeds)
        {
            await feed.DisposeAsync();
        }

        await Eventually.Until(() => Task.FromResult(subscriptions.Open), open => open == 0, Within, "every feed is closed");
        await using var again = await SseConnection.OpenAsync(greedy, "/events/live");
        Assert.Equal(HttpStatusCode.OK, again.Response.StatusCode);
    }

    [Fact]
    public async Task Should_document_both_feeds_as_server_sent_events_resumable_with_Last_Event_ID()
    {
        using var response = await host.Http.GetAsync("/openapi/v1.json");

        var paths = (await Expect(response, HttpStatusCode.OK)).GetProperty("paths");
        foreach (var path in new[] { "/accounts/{id}/events/live", "/events/live" })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.True(get.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _), path);
            Assert.Contains(get.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Last-Event-ID");
            Assert.True(get.GetProperty("responses").TryGetProperty("429", out _), path);
        }
    }

    public void Dispose() => _customer.Dispose();

    /// <summary>The lines of each event (the blank line that ends it left out).</summary>
    private static IEnumerable<string[]> Blocks(IEnumerable<string> lines)
    {
        var block = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length > 0)
            {
                block.Add(line);
            }
            else if (block.Count > 0)
            {
                yield return [.. block];
                block.Clear();
            }
        }
    }

    private static async Task<List<SseEvent>> ReadEvents(SseConnection feed, int count)
    {
        var events = new List<SseEvent>();
        while (events.Count < count)
        {
            events.Add(await feed.NextEventAsync(Within) ?? throw new Xunit.Sdk.XunitException($"The feed ended after {events.Count} events."));
        }
        return events;
    }
}
