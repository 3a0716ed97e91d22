using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BankAccounts.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Http;

/// <summary>Parsing of route and query values, answering a 400 problem instead of throwing.</summary>
internal static class QueryParameters
{
    public static bool TryParseAccountId(string value, out AccountId id, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        if (AccountId.TryParse(value, out id))
        {
            problem = null;
            return true;
        }
        problem = Problems.Invalid("id", $"'{Truncate(value)}' is not a valid account id (a non-empty GUID).");
        return false;
    }

    public static bool TryParse(
        string? value, string name, long defaultValue, long min, long max, out long result, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (value is null)
        {
            result = defaultValue;
            return true;
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result) && result >= min && result <= max)
        {
            return true;
        }
        problem = Problems.Invalid(name, max == long.MaxValue
            ? $"'{name}' must be a whole number of at least {min}."
            : $"'{name}' must be a whole number from {min} to {max}.");
        return false;
    }

    /// <summary><c>limit</c> of a paged read: 1 to <see cref="Endpoints.AccountsEndpoints.MaxPageSize"/>, by default <see cref="Endpoints.AccountsEndpoints.DefaultPageSize"/>.</summary>
    public static bool TryParsePageSize(string? value, out int pageSize, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        var parsed = TryParse(value, "limit", Endpoints.AccountsEndpoints.DefaultPageSize, 1, Endpoints.AccountsEndpoints.MaxPageSize, out var size, out problem);
        pageSize = (int)size;
        return parsed;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
