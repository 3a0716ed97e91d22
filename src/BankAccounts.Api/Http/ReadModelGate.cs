using System.Globalization;
using BankAccounts.ReadModel.Projections;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace BankAccounts.Api.Http;

/// <summary>
/// Reads from the read model, refused with 503 <c>read-model-building</c> (and <c>Retry-After</c>) while this node's read
/// model version is being built: its tables are incomplete, and a node of the serving version answers meanwhile.
/// </summary>
internal static class ReadModelGate
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan UnknownRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Call last on the endpoint: the 503 is documented unless an earlier line already did.</summary>
    public static RouteHandlerBuilder ReadsReadModel(this RouteHandlerBuilder builder)
    {
        builder.Add(endpoint =>
        {
            if (!endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(p => p.StatusCode == StatusCodes.Status503ServiceUnavailable))
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), ["application/problem+json"]));
            }
        });
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            var status = services.GetRequiredService<ReadModelVersionMonitor>().Current;
            if (status.Serves)
            {
                return await next(context);
            }
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var wait = status.Version.Progress.EstimatedRemaining(now) ?? UnknownRetryAfter;
            var seconds = Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, MaxRetryAfter.TotalSeconds);
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString("0", CultureInfo.InvariantCulture);
            return Problems.ReadModelBuilding(status, now);
        });
    }
}
