using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using BankAccounts.Api.Endpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BankAccounts.Api.Http;

// Query strings bound as a whole with [AsParameters]. Values stay strings: a malformed one is answered by the
// record's TryParse with the API's own 400 problem, not by the framework's binding failure.

/// <summary>The period of a history read (<c>/balances</c>, <c>/statement</c>).</summary>
internal sealed record PeriodQuery
{
    [FromQuery(Name = "from")]
    [Description("Start of the period: a date (start of that day in timeZone) or an RFC 3339 instant.")]
    public string? From { get; init; }

    [FromQuery(Name = "to")]
    [Description("End of the period (exclusive): a date or an RFC 3339 instant.")]
    public string? To { get; init; }

    [FromQuery(Name = "timeZone")]
    [Description("IANA time zone id for dates, days and the offsets instants are written with, e.g. Europe/Paris (default UTC).")]
    public string? TimeZone { get; init; }

    public bool TryParse(out TimeZoneInfo zone, out DateTimeOffset start, out DateTimeOffset end, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        start = end = default;
        if (!HistoryParameters.TryParseTimeZone(TimeZone, out zone, out problem)
            || !HistoryParameters.TryParseBound(From, "from", zone, out start, out problem)
            || !HistoryParameters.TryParseBound(To, "to", zone, out end, out problem))
        {
            return false;
        }
        if (end <= start)
        {
            problem = Problems.Invalid("to", "'to' must be after 'from'.");
            return false;
        }
        return true;
    }
}

/// <summary>A page of an account's ledger: entries after a version.</summary>
internal sealed record LedgerPageQuery
{
    [FromQuery(Name = "after")]
    [Description("Only entries with a version greater than this (default 0: from the start).")]
    public string? After { get; init; }

    [FromQuery(Name = "limit")]
    [DescriptionFormat("Entries per page, 1 to {0} (default {1}).", AccountsEndpoints.MaxPageSize, AccountsEndpoints.DefaultPageSize)]
    public string? Limit { get; init; }

    public bool TryParse(out long after, out int pageSize, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        pageSize = 0;
        return QueryParameters.TryParse(After, "after", 0, 0, long.MaxValue, out after, out problem)
            && QueryParameters.TryParsePageSize(Limit, out pageSize, out problem);
    }
}

/// <summary>A page of an account's stored events: from a sequence number.</summary>
internal sealed record EventPageQuery
{
    [FromQuery(Name = "from")]
    [Description("First sequence number to return (default 1).")]
    public string? From { get; init; }

    [FromQuery(Name = "limit")]
    [DescriptionFormat("Events per page, 1 to {0} (default {1}).", AccountsEndpoints.MaxPageSize, AccountsEndpoints.DefaultPageSize)]
    public string? Limit { get; init; }

    public bool TryParse(out long from, out int pageSize, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        pageSize = 0;
        return QueryParameters.TryParse(From, "from", 1, 1, long.MaxValue, out from, out problem)
            && QueryParameters.TryParsePageSize(Limit, out pageSize, out problem);
    }
}
