using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BankAccounts.Api.Health;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> (200 when healthy, 503 otherwise, with each check's verdict).
/// Anonymous and never rate limited (probes and load balancers call them), so they tell no exception text
/// and no internal address: the node's log has those.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(BankAccountsHealthChecks.Live),
            ResponseWriter = WriteAsync,
        }).WithTags("Health").AllowAnonymous().DisableRateLimiting();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(BankAccountsHealthChecks.Ready),
            ResponseWriter = WriteAsync,
        }).WithTags("Health").AllowAnonymous().DisableRateLimiting();
        return routes;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString(),
                    // A check that threw gets the exception's message as its description (the log has it).
                    description = e.Value.Exception is { } thrown && e.Value.Description == thrown.Message
                        ? "The check failed; see the node's log."
                        : e.Value.Description,
                    data = e.Value.Data,
                }),
        });
    }
}
