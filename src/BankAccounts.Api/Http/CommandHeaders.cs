using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BankAccounts.Domain;
using BankAccounts.Domain.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace BankAccounts.Api.Http;

/// <summary>The headers every command request may carry.</summary>
/// <param name="IdempotencyKey">The caller's <c>Idempotency-Key</c>, when given; it becomes the command id.</param>
/// <param name="ExpectedVersion">From <c>If-Match</c>: the version the caller expects the account to be at.</param>
internal sealed record CommandHeaders(string? IdempotencyKey, long? ExpectedVersion)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The command id of this request: the caller's key in the caller's own namespace (a fresh one without a key).</summary>
    public CommandId CommandIdFor(Principal caller) => CommandId.ForCaller(caller, IdempotencyKey ?? Guid.NewGuid().ToString("N"));

    public static bool TryRead(HttpRequest request, [NotNullWhen(true)] out CommandHeaders? headers, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        headers = null;
        string? key = null;
        if (request.Headers.TryGetValue(IdempotencyKeyHeader, out var keys))
        {
            if (keys.Count != 1 || !CommandId.IsValid(keys[0]))
            {
                problem = Problems.Invalid(IdempotencyKeyHeader,
                    $"The {IdempotencyKeyHeader} header must be one value of 1 to {CommandId.MaxLength} printable ASCII characters without spaces.");
                return false;
            }
            key = keys[0];
        }

        long? expectedVersion = null;
        if (request.Headers.TryGetValue(HeaderNames.IfMatch, out var ifMatch))
        {
            if (ifMatch.Count != 1 || !TryParseVersion(ifMatch[0], out var version))
            {
                problem = Problems.Invalid(HeaderNames.IfMatch,
                    "The If-Match header must be one account version, quoted as its ETag (\"3\") or bare (3).");
                return false;
            }
            expectedVersion = version;
        }

        headers = new CommandHeaders(key, expectedVersion);
        problem = null;
        return true;
    }

    /// <summary>The strong ETag of an account at <paramref name="version"/>.</summary>
    public static string ETagOf(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    private static bool TryParseVersion(string? value, out long version)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
