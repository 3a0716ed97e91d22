namespace BankAccounts.Api.Telemetry;

public enum OtlpProtocol
{
    Grpc = 0,
    HttpProtobuf = 1,
}

/// <summary>Traces, metrics and their export (configuration section <c>BankAccounts:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "BankAccounts:Telemetry";

    /// <summary>
    /// Where traces, metrics and logs are sent over OTLP (e.g. <c>http://otel-collector:4317</c>); none: nothing is
    /// exported, and no trace is recorded at all (spans cost nothing without a listener).
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    public OtlpProtocol OtlpProtocol { get; set; } = OtlpProtocol.Grpc;

    /// <summary>Whether metrics go over OTLP too (off when Prometheus scrapes <c>/metrics</c> instead, as in docker-compose).</summary>
    public bool OtlpMetrics { get; set; } = true;

    /// <summary>
    /// The share of new traces recorded (0..1), decided where a trace starts (the HTTP request) and followed by every
    /// span of it, through the entity, the journal write, the transfer steps and the projection (linked). A request
    /// that arrives with a sampled W3C <c>traceparent</c> is always recorded.
    /// </summary>
    public double TraceSampleRatio { get; set; } = 0.1;

    /// <summary>Whether <c>/metrics</c> (Prometheus text format) answers; admins (JWT) or <see cref="ScrapeToken"/> only.</summary>
    public bool PrometheusEndpoint { get; set; } = true;

    /// <summary>
    /// A secret a Prometheus server sends as <c>Authorization: Bearer …</c> to scrape <c>/metrics</c> without a JWT.
    /// Compared in constant time, never logged; none: only admins may scrape.
    /// </summary>
    public string? ScrapeToken { get; set; }

    /// <summary>How often the gauges that read the stores (projection lag, transfers, active entities) are refreshed.</summary>
    public TimeSpan GaugeRefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (TraceSampleRatio is < 0 or > 1 || double.IsNaN(TraceSampleRatio))
        {
            problems.Add($"Setting '{SectionName}:TraceSampleRatio' = '{TraceSampleRatio}' must be between 0 and 1.");
        }
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint)
            && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var endpoint) && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)))
        {
            problems.Add($"Setting '{SectionName}:OtlpEndpoint' = '{OtlpEndpoint}' is not an http(s) address (e.g. http://otel-collector:4317).");
        }
        if (ScrapeToken is { Length: > 0 and < 16 })
        {
            problems.Add($"Setting '{SectionName}:ScrapeToken' is too short to be a secret: use at least 16 characters.");
        }
        return problems;
    }
}
