using System.Diagnostics;
using BankAccounts.Domain;

namespace BankAccounts.Api.Security;

/// <summary>Stamps a command with who sends it and the request's trace, which its events then record.</summary>
internal static class CommandOrigin
{
    public static T From<T>(this T command, HttpContext http) where T : AccountCommand =>
        command with { Principal = http.Caller(), TraceParent = TraceParentOf(http) };

    /// <summary>The request's W3C <c>traceparent</c> (ASP.NET Core starts an activity per request; one is made up otherwise).</summary>
    public static string TraceParentOf(HttpContext http) =>
        Activity.Current?.Id is { } id && id.StartsWith("00-", StringComparison.Ordinal)
            ? id
            : $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00";
}
