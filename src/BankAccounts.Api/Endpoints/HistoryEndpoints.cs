using System.ComponentModel;
using BankAccounts.Api.Contracts;
using BankAccounts.Api.Http;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Queries;
using BankAccounts.ReadModel.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace BankAccounts.Api.Endpoints;

/// <summary>
/// The account's past, from the read model's ledger: <c>GET /accounts/{id}?asOf=|atVersion=</c> (served
/// through <see cref="AccountsEndpoints"/>), end-of-interval balances for charts, and statements (JSON or CSV).
/// Reads are authorized like every other read of the account.
/// </summary>
public static class HistoryEndpoints
{
    /// <summary>Points a balance series may hold (e.g. a year of hours is 8,784).</summary>
    public const int MaxBalancePoints = 10_000;

    private static readonly string[] StatementFormats = ["application/json", StatementCsv.ContentType];

    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder routes)
    {
        var accounts = routes.MapGroup("/accounts").WithTags("Accounts");

        accounts.MapGet("/{id}/balances", GetBalances)
            .RequiresQuery("from", "2026-01-01")
            .RequiresQuery("to", "2026-02-01")
            .WithName("GetAccountBalances")
            .WithSummary("End-of-interval balances for charts")
            .WithDescription(
                "The opening balance of the period [from, to) and the balance at the end of each interval of it (every interval, " +
                "including ones without entries). from and to are dates (the start of that day in timeZone) or RFC 3339 instants; " +
                "interval is day (local calendar days in timeZone, so 23 or 25 hours across a daylight-saving change) or hour; " +
                $"timeZone is an IANA id, default UTC. At most {MaxBalancePoints} points.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ReadsReadModel();

        accounts.MapGet("/{id}/statements", GetStatement)
            .RequiresQuery("from", "2026-01-01")
            .RequiresQuery("to", "2026-02-01")
            .WithName("GetAccountStatement")
            .WithSummary("An account statement")
            .WithDescription(
                "Opening balance at from, every entry of [from, to) in order (declines and refusals listed with declined=true; they move no money), " +
                "totals in and out, closing balance at to, and the hash-chain head at the closing entry. from and to are dates (the start of that day " +
                "in timeZone) or RFC 3339 instants; timeZone is an IANA id (default UTC) and also sets the offsets the instants are written with. " +
                "JSON by default; Accept: text/csv gives RFC 4180 CSV with the same content (406 for anything else). " +
                $"At most {AccountHistoryQueries.MaxStatementEntries} entries (422 beyond: ask for a shorter period; consecutive statements chain).")
            .Produces<StatementResponse>(StatusCodes.Status200OK, "application/json", StatementCsv.ContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ReadsReadModel();

        return routes;
    }

    /// <summary>The account at <paramref name="point"/>, for a caller already allowed to read <paramref name="account"/>.</summary>
    internal static async Task<Results<Ok<AccountAsOfResponse>, ProblemHttpResult>> AccountAt(
        AccountSummary account, PointInTime point, AccountHistoryQueries history, CancellationToken cancellationToken)
    {
        var id = new AccountId(account.AccountId);
        AccountAt? at;
        if (point.Version is { } version)
        {
            at = version > account.Version ? null : await history.AtVersionAsync(account, version, cancellationToken);
            if (at is null)
            {
                return Problems.VersionNotFound(id, version, account.Version);
            }
        }
        else
        {
            at = await history.AsOfAsync(account, point.Instant!.Value, cancellationToken);
            if (at is null)
            {
                return Problems.NotOpenedYet(id, point.Instant.Value, account.OpenedAt);
            }
        }
        var entry = at.Entry;
        return TypedResults.Ok(new AccountAsOfResponse(
            account.AccountId, account.Owner, account.Currency, entry.BalanceAfter, account.OverdraftLimit, entry.Status, entry.Version,
            account.OpenedAt, entry.OccurredAt, entry.EventHash,
            [.. at.PendingTransfers.Select(p => new PendingTransferResponse(p.TransferId, p.Direction, p.Amount))],
            point.Instant));
    }

    private static async Task<Results<Ok<BalanceSeriesResponse>, ProblemHttpResult>> GetBalances(
        string id,
        [AsParameters] PeriodQuery period,
        [Description("day (default) or hour.")] string? interval,
        HttpContext http, AccountQueries queries, AccountHistoryQueries history, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParseAccountId(id, out var accountId, out var problem)
            || !period.TryParse(out var zone, out var start, out var end, out problem))
        {
            return problem;
        }
        interval ??= "day";
        if (interval is not ("day" or "hour"))
        {
            return Problems.Invalid(nameof(interval), "'interval' must be 'day' or 'hour'.");
        }
        var ends = IntervalEnds(start, end, interval, zone, MaxBalancePoints + 1);
        if (ends.Count > MaxBalancePoints)
        {
            return Problems.Invalid("to", $"The period holds more than {MaxBalancePoints} {interval}s; ask for a shorter period or a longer interval.");
        }
        var account = await queries.GetAccountAsync(accountId.Value, cancellationToken);
        if (!AccountsEndpoints.CanRead(http, accountId, account, out var refused))
        {
            return refused;
        }

        var points = await history.BalancesAsync(account.AccountId, [start, .. ends], cancellationToken);
        return TypedResults.Ok(new BalanceSeriesResponse(
            account.AccountId, account.Currency, HistoryParameters.InZone(start, zone), HistoryParameters.InZone(end, zone), interval, zone.Id,
            points[0].Balance, [.. points.Skip(1).Select(p => new BalancePointResponse(HistoryParameters.InZone(p.End, zone), p.Balance))]));
    }

    private static async Task<Results<Ok<StatementResponse>, ContentHttpResult, ProblemHttpResult>> GetStatement(
        string id,
        [AsParameters] PeriodQuery period,
        HttpContext http, AccountQueries queries, AccountHistoryQueries history, CancellationToken cancellationToken)
    {
        if (!QueryParameters.TryParseAccountId(id, out var accountId, out var problem)
            || !period.TryParse(out var zone, out var start, out var end, out problem))
        {
            return problem;
        }
        http.Response.Headers.Vary = HeaderNames.Accept;
        if (Negotiate(http.Request) is not { } csv)
        {
            return Problems.NotAcceptable(http.Request.Headers.Accept.ToString(), StatementFormats);
        }
        var account = await queries.GetAccountAsync(accountId.Value, cancellationToken);
        if (!AccountsEndpoints.CanRead(http, accountId, account, out var refused))
        {
            return refused;
        }

        var statement = await history.StatementAsync(account.AccountId, start, end, cancellationToken: cancellationToken);
        if (statement is null)
        {
            return Problems.StatementTooLarge(AccountHistoryQueries.MaxStatementEntries);
        }
        var response = new StatementResponse(
            account.AccountId, account.Currency, HistoryParameters.InZone(start, zone), HistoryParameters.InZone(end, zone), zone.Id,
            statement.Opening,
            [.. statement.Entries.Select(e => new StatementEntryResponse(
                e.Version, HistoryParameters.InZone(e.OccurredAt, zone), e.EventType, AccountHistoryQueries.IsDeclined(e.EventType),
                e.Amount, e.BalanceAfter, e.Reference, e.TransferId, e.EventHash))],
            statement.TotalIn, statement.TotalOut, statement.Closing, statement.ClosingVersion, statement.ChainHead);
        return csv
            ? TypedResults.Text(StatementCsv.Write(response), StatementCsv.ContentType + "; charset=utf-8")
            : TypedResults.Ok(response);
    }

    /// <summary>
    /// The ends of the intervals of [start, end), at most <paramref name="limit"/>: every hour from start, or
    /// every local day (the same wall-clock time on the next dates in <paramref name="zone"/>); the last one is clipped to end.
    /// </summary>
    private static List<DateTimeOffset> IntervalEnds(DateTimeOffset start, DateTimeOffset end, string interval, TimeZoneInfo zone, int limit)
    {
        var ends = new List<DateTimeOffset>();
        var localStart = HistoryParameters.InZone(start, zone).DateTime;
        for (var step = 1; ends.Count < limit; step++)
        {
            var next = interval == "hour" ? start.AddHours(step) : HistoryParameters.AtLocal(localStart.AddDays(step), zone);
            if (next >= end)
            {
                ends.Add(end);
                break;
            }
            ends.Add(next);
        }
        return ends;
    }

    /// <summary>True for CSV, false for JSON (also when no Accept is sent), null when the caller accepts neither.</summary>
    private static bool? Negotiate(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().Accept;
        if (accepted.Count == 0)
        {
            return false;
        }
        var json = new MediaTypeHeaderValue("application/json");
        var csv = new MediaTypeHeaderValue(StatementCsv.ContentType);
        // Highest quality first; among equals, the order the client listed them (OrderBy is stable).
        foreach (var range in accepted.Where(a => a.Quality is not 0).OrderByDescending(a => a.Quality ?? 1))
        {
            if (json.IsSubsetOf(range))
            {
                return false;
            }
            if (csv.IsSubsetOf(range))
            {
                return true;
            }
        }
        return null;
    }
}
