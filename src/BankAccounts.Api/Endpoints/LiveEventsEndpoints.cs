using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Akka;
using Akka.Streams.Dsl;
using BankAccounts.Api.Http;
using BankAccounts.Api.Live;
using BankAccounts.Api.Security;
using BankAccounts.ReadModel.Queries;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;

namespace BankAccounts.Api.Endpoints;

/// <summary>
/// Live feeds as server-sent events: one account's events, or every account's (auditors), first those
/// already stored after the client's position, then each one as it is persisted.
/// </summary>
public static class LiveEventsEndpoints
{
    public const string LastEventIdHeader = "Last-Event-ID";

    private const string FeedNote =
        " Each event is sent with 'event:' its storage manifest and 'id:' its position." +
        " To resume, send the last id received as the Last-Event-ID header (the feed continues right after it; EventSource does this by itself when it reconnects)" +
        " or pass 'from', the first position wanted; Last-Event-ID wins when both are given." +
        " While idle the server sends a 'heartbeat' event (empty data) so proxies keep the connection open." +
        " The server may end the feed with one last event, 'overflow' (the client stopped reading), 'shutdown' or 'unavailable', whose JSON says why," +
        " the last id sent and the URL to resume from. Too many open feeds for the caller or the node: 429.";

    public static IEndpointRouteBuilder MapLiveEventsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/accounts/{id}/events/live", FollowAccount)
            .WithTags("Live")
            .WithName("FollowAccountEvents")
            .WithSummary("Follow an account's events live (server-sent events)")
            .WithDescription("The account's events in stream order, 'data:' = the event's stored JSON (as GET /accounts/{id}/events serves it), 'id:' = its sequence number; by default from the first." + FeedNote)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AcceptsLastEventId();

        routes.MapGet("/events/live", FollowAllAccounts)
            .WithTags("Live")
            .RequireAuthorization(AccessPolicies.Auditing)
            .WithName("FollowAllAccountEvents")
            .WithSummary("Follow every account's events live (server-sent events; auditors)")
            .WithDescription("Every account event in the journal's global order, 'data:' = {\"accountId\", \"sequenceNr\", \"data\": the event's stored JSON}, 'id:' = its global offset (increasing, not gapless); by default from the start." + FeedNote)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AcceptsLastEventId();

        return routes;
    }

    private static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> FollowAccount(
        string id,
        [Description("The first sequence number wanted (default 1). Ignored when a Last-Event-ID header is sent.")] string? from,
        HttpContext http, AccountEventStream events, LiveEventFeed feed, LiveSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParseAccountId(id, out var accountId, out var problem)
            || !TryReadPosition(http, from, out var after, out problem))
        {
            return problem;
        }
        if (await AccountsEndpoints.JournalReadRefusal(http, accountId, events, cancellationToken) is { } refused)
        {
            return refused;
        }
        return Follow(http, subscriptions, "account", feed.Account(accountId, after), after, last => $"/accounts/{accountId}/events/live?from={Next(last)}");
    }

    private static Results<ServerSentEventsResult<string>, ProblemHttpResult> FollowAllAccounts(
        [Description("The first global offset wanted (default 1). Ignored when a Last-Event-ID header is sent.")] string? from,
        HttpContext http, LiveEventFeed feed, LiveSubscriptions subscriptions)
    {
        if (!TryReadPosition(http, from, out var after, out var problem))
        {
            return problem;
        }
        return Follow(http, subscriptions, "all", feed.AllAccounts(after), after, last => $"/events/live?from={Next(last)}");
    }

    private static Results<ServerSentEventsResult<string>, ProblemHttpResult> Follow(
        HttpContext http, LiveSubscriptions subscriptions, string feedName, Source<LiveEvent, NotUsed> source, long after, Func<long, string> resumeUrl)
    {
        var subscription = subscriptions.TryStart(http.Caller().Subject, feedName, source, after);
        if (subscription is null)
        {
            http.Response.Headers.RetryAfter = "5";
            return Problems.TooManySubscriptions(subscriptions.Options.MaxSubscriptionsPerCaller, subscriptions.Options.MaxSubscriptions);
        }
        // Ends the journal query even if the response never starts writing.
        http.Response.RegisterForDispose(subscription);
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each event on at once
        return TypedResults.ServerSentEvents(subscription.ReadAllAsync(resumeUrl));
    }

    /// <summary>
    /// The position the client has seen up to: the Last-Event-ID header (the last id received) if sent,
    /// else <paramref name="from"/> - 1 (the first position wanted), else 0.
    /// </summary>
    private static bool TryReadPosition(HttpContext http, string? from, out long after, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (http.Request.Headers.TryGetValue(LastEventIdHeader, out var lastEventId))
        {
            if (lastEventId.Count == 1
                && long.TryParse(lastEventId[0], NumberStyles.None, CultureInfo.InvariantCulture, out after)
                && after < long.MaxValue)
            {
                return true;
            }
            after = 0;
            problem = Problems.Invalid(LastEventIdHeader, $"'{LastEventIdHeader}' must be one whole number of at least 0: the id of the last event received.");
            return false;
        }
        if (!QueryParameters.TryParse(from, nameof(from), 1, 1, long.MaxValue, out var first, out problem))
        {
            after = 0;
            return false;
        }
        after = first - 1;
        return true;
    }

    private static long Next(long last) => last + 1;

    private static RouteHandlerBuilder AcceptsLastEventId(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = LastEventIdHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description = "The id of the last event received: the feed resumes right after it. Wins over 'from'.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });
}
