using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Http;

/// <summary>A point of an account's history: right after event <see cref="Version"/>, or as of <see cref="Instant"/>.</summary>
internal readonly record struct PointInTime(long? Version, DateTimeOffset? Instant);

/// <summary>Parsing of the instants, dates and time zones the history endpoints take, answering a 400 problem instead of throwing.</summary>
internal static partial class HistoryParameters
{
    private const int MaxTimeZoneLength = 64;

    /// <summary>Period bounds are kept well inside what dates can hold, so no interval arithmetic overflows.</summary>
    private static readonly DateTimeOffset EarliestBound = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestBound = new(3000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary><c>asOf</c> (RFC 3339, not in the future) or <c>atVersion</c> (1 or more), not both; false with a problem when invalid.</summary>
    public static bool TryParsePointInTime(
        string? asOf, string? atVersion, DateTimeOffset now, out PointInTime? point, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        point = null;
        problem = null;
        if (asOf is not null && atVersion is not null)
        {
            problem = Problems.Invalid("asOf", "Give either 'asOf' or 'atVersion', not both.");
            return false;
        }
        if (atVersion is not null)
        {
            if (!QueryParameters.TryParse(atVersion, nameof(atVersion), 0, 1, long.MaxValue, out var version, out problem))
            {
                return false;
            }
            point = new PointInTime(version, null);
        }
        else if (asOf is not null)
        {
            if (!TryParseInstant(asOf, nameof(asOf), out var instant, out problem))
            {
                return false;
            }
            if (instant > now)
            {
                problem = Problems.Invalid(nameof(asOf), $"'asOf' must not be in the future (the server's clock reads {now:O}): what happens later is not known yet.");
                return false;
            }
            point = new PointInTime(null, instant);
        }
        return true;
    }

    /// <summary>An RFC 3339 instant with its offset (<c>Z</c> or <c>±hh:mm</c>); a <c>+</c> decoded to a space from an unencoded query is taken back.</summary>
    public static bool TryParseInstant(string value, string name, out DateTimeOffset instant, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        var match = Rfc3339().Match(value);
        if (match.Success
            && DateTimeOffset.TryParse(match.Groups["time"].Value + match.Groups["offset"].Value.Replace(' ', '+'),
                CultureInfo.InvariantCulture, DateTimeStyles.None, out instant))
        {
            return true;
        }
        instant = default;
        problem = Problems.Invalid(name, $"'{name}' must be an RFC 3339 instant with an offset, e.g. 2026-03-01T00:00:00Z or 2026-03-01T01:00:00+01:00.");
        return false;
    }

    /// <summary>
    /// A period bound: a date (<c>2026-03-01</c>, the start of that day in <paramref name="zone"/>) or an RFC 3339 instant.
    /// </summary>
    public static bool TryParseBound(
        string? value, string name, TimeZoneInfo zone, out DateTimeOffset bound, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        bound = default;
        problem = null;
        if (string.IsNullOrEmpty(value))
        {
            problem = Problems.Invalid(name, $"'{name}' is required: a date (2026-03-01, the start of that day in the time zone) or an RFC 3339 instant.");
            return false;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 1900 and < 3000)
        {
            bound = StartOfDay(date, zone);
            return true;
        }
        if (TryParseInstant(value, name, out bound, out _) && bound >= EarliestBound && bound < LatestBound)
        {
            return true;
        }
        problem = Problems.Invalid(name, $"'{name}' must be a date (2026-03-01, the start of that day in the time zone) or an RFC 3339 instant with an offset, from the years 1900 to 2999.");
        return false;
    }

    /// <summary>An IANA time zone id (e.g. <c>Europe/Paris</c>); UTC when absent.</summary>
    public static bool TryParseTimeZone(string? value, out TimeZoneInfo zone, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        zone = TimeZoneInfo.Utc;
        if (value is null)
        {
            return true;
        }
        if (value.Length is > 0 and <= MaxTimeZoneLength && TimeZoneIdShape().IsMatch(value))
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(value);
                return true;
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                // answered below
            }
        }
        problem = Problems.Invalid("timeZone", "'timeZone' must be an IANA time zone id, e.g. Europe/Paris or UTC.");
        return false;
    }

    /// <summary>The instant a local wall-clock time happens in <paramref name="zone"/>: the first moment after a gap, the earlier of two in an overlap.</summary>
    public static DateTimeOffset AtLocal(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15); // daylight-saving gaps are whole quarter hours
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) => AtLocal(date.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>The instant shown with the zone's offset at that moment (the same instant).</summary>
    public static DateTimeOffset InZone(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone);

    [GeneratedRegex(@"^(?<time>\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,7})?)(?<offset>[Zz]|[+\- ]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^[A-Za-z0-9_+\-/]+$")]
    private static partial Regex TimeZoneIdShape();
}
