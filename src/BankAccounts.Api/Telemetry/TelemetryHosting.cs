using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using BankAccounts.Actors.Telemetry;
using BankAccounts.Api.Configuration;
using BankAccounts.Api.Security;
using BankAccounts.Domain.Security;
using BankAccounts.ReadModel.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BankAccounts.Api.Telemetry;

/// <summary>
/// OpenTelemetry for the host: traces (ASP.NET Core, the app's own spans, Npgsql) and metrics (the app's meter,
/// ASP.NET Core, Kestrel, the runtime, Npgsql), exported over OTLP when an endpoint is configured and scraped by
/// Prometheus at <c>/metrics</c>; logs carry the trace and span id of the request they were written in.
/// </summary>
public static class TelemetryHosting
{
    public const string MetricsPath = "/metrics";

    /// <summary>Admins, or a Prometheus server presenting the configured scrape token.</summary>
    public const string ScrapePolicy = "metrics-scrape";

    private static readonly string[] Meters =
        [BankAccountsTelemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting"];

    public static TelemetryOptions OptionsFrom(IConfiguration configuration) =>
        configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();

    public static WebApplicationBuilder AddBankAccountsTelemetry(this WebApplicationBuilder builder, TelemetryOptions options)
    {
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new InvalidSettingsException(problems);
        }
        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton<IParkedEventCounts, ParkedEventCounts>();
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<ReadSideGauges>(
            provider, provider.GetRequiredService<BankAccounts.Actors.Hosting.BankAccountsOptions>().Journal));
        var exporting = !string.IsNullOrWhiteSpace(options.OtlpEndpoint);
        var metricsRead = options.PrometheusEndpoint || (exporting && options.OtlpMetrics);
        if (metricsRead)
        {
            services.AddHostedService<GaugeRefresher>();
        }
        services.AddSingleton<RejectedRequests>();
        services.AddAuthorizationBuilder().AddPolicy(ScrapePolicy, policy => policy
            .RequireAssertion(context => IsAdmin(context) || (context.Resource is HttpContext http && HasScrapeToken(http, options.ScrapeToken))));

        // Every log line written within a request carries its trace and span id (as scope values).
        builder.Logging.Configure(logging => logging.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("bank-accounts", serviceInstanceId: Environment.MachineName));
        if (metricsRead)
        {
            // Instruments nobody listens to cost next to nothing: without a reader no meter provider is built.
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddRuntimeInstrumentation().AddNpgsqlInstrumentation();
                if (options.PrometheusEndpoint)
                {
                    metrics.AddPrometheusExporter();
                }
                if (exporting && options.OtlpMetrics)
                {
                    metrics.AddOtlpExporter(otlp => Configure(otlp, options, "/v1/metrics"));
                }
            });
        }
        if (exporting)
        {
            // Spans cost only where someone listens: without an exporter no tracer provider is built at all.
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new BankAccountsSampler(options.TraceSampleRatio))
                .AddSource(BankAccountsTelemetry.Name)
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = http =>
                    !http.Request.Path.StartsWithSegments(MetricsPath) && !http.Request.Path.StartsWithSegments("/health"))
                .AddNpgsql()
                .AddOtlpExporter(otlp => Configure(otlp, options, "/v1/traces")));
            telemetry.WithLogging(
                logging => logging.AddOtlpExporter(otlp => Configure(otlp, options, "/v1/logs")),
                logging => logging.IncludeScopes = true);
        }
        return builder;
    }

    /// <summary>Counts refused requests (401, 403, 429); place it before authentication and rate limiting.</summary>
    public static WebApplication UseRejectedRequestCounting(this WebApplication app)
    {
        var rejected = app.Services.GetRequiredService<RejectedRequests>();
        app.Use(async (http, next) =>
        {
            await next(http);
            rejected.Count(http.Response.StatusCode);
        });
        return app;
    }

    /// <summary><c>/metrics</c> in Prometheus text format, for admins or the scrape token.</summary>
    public static WebApplication MapMetricsEndpoint(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TelemetryOptions>().PrometheusEndpoint)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(ScrapePolicy);
        }
        return app;
    }

    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions options, string httpPath)
    {
        var endpoint = new Uri(options.OtlpEndpoint!);
        otlp.Protocol = options.OtlpProtocol == OtlpProtocol.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Over HTTP each signal has its own path under the collector's address.
        otlp.Endpoint = otlp.Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, httpPath) : endpoint;
    }

    private static bool IsAdmin(AuthorizationHandlerContext context) =>
        context.User.TryGetPrincipal(out var caller) && caller.Role == Role.Admin;

    /// <summary>The request's bearer credential is the scrape token (compared as hashes, in constant time).</summary>
    internal static bool HasScrapeToken(HttpContext http, string? scrapeToken)
    {
        if (string.IsNullOrEmpty(scrapeToken))
        {
            return false;
        }
        var header = http.Request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header[bearer.Length..].Trim())),
            SHA256.HashData(Encoding.UTF8.GetBytes(scrapeToken)));
    }
}

/// <summary>Requests refused at the edge: 401 (no valid token), 403 (not permitted), 429 (rate limited).</summary>
internal sealed class RejectedRequests
{
    private readonly Counter<long> _rejected;

    public RejectedRequests(IMeterFactory meters) =>
        _rejected = meters.Create(BankAccountsTelemetry.Name).CreateCounter<long>(
            "bankaccounts.http.rejected", "{request}", "HTTP requests refused: 401 unauthenticated, 403 forbidden, 429 rate limited.");

    public void Count(int status)
    {
        if (status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests)
        {
            _rejected.Add(1, new KeyValuePair<string, object?>("http.response.status_code", status));
        }
    }
}
