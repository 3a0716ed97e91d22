using System.Globalization;
using BankAccounts.Domain;
using BankAccounts.Domain.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace BankAccounts.Api.Http;

/// <summary>
/// The headers every command request may carry, bound by the framework (<see cref="BindAsync"/>): a handler
/// takes a <see cref="CommandHeaders"/> parameter and answers <see cref="Problem"/> when a header is malformed,
/// at the point of its own checks it chooses (so a malformed id is still reported before a malformed header).
/// </summary>
/// <param name="IdempotencyKey">The caller's <c>Idempotency-Key</c>, when given; it becomes the command id.</param>
/// <param name="ExpectedVersion">From <c>If-Match</c>: the version the caller expects the account to be at.</param>
internal sealed record CommandHeaders(string? IdempotencyKey, long? ExpectedVersion)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The 400 to answer when a header is malformed (then neither value is read); null when both are usable.</summary>
    public ProblemHttpResult? Problem { get; private init; }

    /// <summary>The command id of this request: the caller's key in the caller's own namespace (a fresh one without a key).</summary>
    public CommandId CommandIdFor(Principal caller) => CommandId.ForCaller(caller, IdempotencyKey ?? Guid.NewGuid().ToString("N"));

    /// <summary>Minimal API binding: never fails the request itself, so the answer to a malformed header stays the API's problem.</summary>
    public static ValueTask<CommandHeaders?> BindAsync(HttpContext http) => ValueTask.FromResult<CommandHeaders?>(Read(http.Request));

    private static CommandHeaders Read(HttpRequest request)
    {
        string? key = null;
        if (request.Headers.TryGetValue(IdempotencyKeyHeader, out var keys))
        {
            if (keys.Count != 1 || !CommandId.IsValid(keys[0]))
            {
                return Malformed(IdempotencyKeyHeader,
                    $"The {IdempotencyKeyHeader} header must be one value of 1 to {CommandId.MaxLength} printable ASCII characters without spaces.");
            }
            key = keys[0];
        }

        long? expectedVersion = null;
        if (request.Headers.TryGetValue(HeaderNames.IfMatch, out var ifMatch))
        {
            if (ifMatch.Count != 1 || !TryParseVersion(ifMatch[0], out var version))
            {
                return Malformed(HeaderNames.IfMatch,
                    "The If-Match header must be one account version, quoted as its ETag (\"3\") or bare (3).");
            }
            expectedVersion = version;
        }

        return new CommandHeaders(key, expectedVersion);
    }

    private static CommandHeaders Malformed(string header, string message) =>
        new(null, null) { Problem = Problems.Invalid(header, message) };

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
