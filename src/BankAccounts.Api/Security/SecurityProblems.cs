using BankAccounts.Api.Http;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace BankAccounts.Api.Security;

/// <summary>The answers of the security middleware (401, 403, 429), as the same problem details as every other error.</summary>
internal static class SecurityProblems
{
    public static async Task WriteAsync(HttpContext http, int status, string type, string title, string detail)
    {
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail, Instance = http.Request.Path };
        var written = await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = problem,
        });
        if (!written)
        {
            // The client accepts no JSON (EventSource sends 'Accept: text/event-stream'): the error is a problem all the same.
            await http.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json");
        }
    }

    public static Task Unauthenticated(HttpContext http, string? reason) =>
        WriteAsync(http, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "A valid bearer token is required.",
            reason is null ? "Send 'Authorization: Bearer <token>'." : $"The bearer token was refused: {reason}.");

    public static Task Forbidden(HttpContext http) =>
        WriteAsync(http, StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Not allowed.",
            http.User.TryGetPrincipal(out var caller)
                ? $"The role '{Domain.Security.Principal.ClaimOf(caller.Role)}' may not use this endpoint."
                : "The token needs a valid 'sub' and exactly one 'role' of customer, teller, auditor or admin.");

    public static Task TooManyRequests(HttpContext http, TimeSpan retryAfter) =>
        WriteAsync(http, StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyRequests, "Too many requests.",
            $"This caller's request rate is above its limit; retry after {retryAfter.TotalSeconds:0} s.");
}
