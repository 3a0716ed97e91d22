using System.Globalization;
using System.Net;
using BankAccounts.Cluster.Tests.Infrastructure;
using BankAccounts.Domain.Security;

namespace BankAccounts.Cluster.Tests;

/// <summary>The live feeds (server-sent events) over a PostgreSQL journal: stored events, then live ones, resumable.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LiveFeedPostgreSqlSpecs(ClusterEnvironment environment)
{
    private static readonly TimeSpan LineDeadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Should_catch_up_then_follow_an_account_live_and_resume_after_the_last_id_on_PostgreSQL()
    {
        var database = await environment.Postgres.CreateDatabaseAsync("live");
        await using var app = await InProcessApp.StartAsync(database);
        var id = await BankApi.OpenAccountAsync(app.Http, "Ada");
        await DepositAsync(app, id, 1);

        using (var feed = await OpenAsync(app.Http, $"/accounts/{id}/events/live", lastEventId: null))
        {
            Assert.Equal([1L, 2L], await IdsAsync(feed, 2));
            await DepositAsync(app, id, 2); // written after the feed caught up: it arrives live
            Assert.Equal([3L], await IdsAsync(feed, 1));
        }

        await DepositAsync(app, id, 3); // written while nobody listens
        using var resumed = await OpenAsync(app.Http, $"/accounts/{id}/events/live", lastEventId: "2");
        Assert.Equal([3L, 4L], await IdsAsync(resumed, 2));
    }

    [Fact]
    public async Task Should_give_an_auditor_every_account_event_in_global_order_on_PostgreSQL()
    {
        var database = await environment.Postgres.CreateDatabaseAsync("live-all");
        await using var app = await InProcessApp.StartAsync(database);
        var ada = await BankApi.OpenAccountAsync(app.Http, "Ada");
        var bob = await BankApi.OpenAccountAsync(app.Http, "Bob");
        await DepositAsync(app, ada, 1);
        await DepositAsync(app, bob, 2);
        using var auditor = app.ClientFor(Role.Auditor);

        using var feed = await OpenAsync(auditor, "/events/live", lastEventId: null);
        var offsets = await IdsAsync(feed, 4);

        Assert.Equal(offsets.Order().ToList(), offsets);
        Assert.Equal(4, offsets.Distinct().Count());
    }

    private static async Task DepositAsync(InProcessApp app, string id, int n)
    {
        using var deposit = await BankApi.DepositAsync(app.Http, id, n, $"live-{n}");
        await BankApi.ExpectAsync(deposit, HttpStatusCode.OK);
    }

    private static async Task<Feed> OpenAsync(HttpClient client, string path, string? lastEventId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Feed(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next <paramref name="count"/> event ids of the feed (heartbeats carry none).</summary>
    private static async Task<List<long>> IdsAsync(Feed feed, int count)
    {
        var ids = new List<long>();
        while (ids.Count < count)
        {
            var line = await feed.Reader.ReadLineAsync().WaitAsync(LineDeadline)
                ?? throw new InvalidOperationException($"The feed ended after ids {string.Join(", ", ids)}.");
            if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                ids.Add(long.Parse(line[3..].Trim(), CultureInfo.InvariantCulture));
            }
        }
        return ids;
    }

    private sealed record Feed(HttpResponseMessage Response, StreamReader Reader) : IDisposable
    {
        public void Dispose()
        {
            Reader.Dispose();
            Response.Dispose();
        }
    }
}
