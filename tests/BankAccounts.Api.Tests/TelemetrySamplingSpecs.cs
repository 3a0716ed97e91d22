using System.Diagnostics;
using BankAccounts.Api.Configuration;
using BankAccounts.Api.Telemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace BankAccounts.Api.Tests;

public sealed class TelemetrySamplingSpecs
{
    private static readonly ActivityContext Recorded = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
    private static readonly ActivityContext NotRecorded = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);

    [Fact]
    public void Should_follow_the_parent_decision_whatever_the_ratio()
    {
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(new BankAccountsSampler(0), Recorded, ActivityKind.Internal));
        Assert.Equal(SamplingDecision.Drop, Decide(new BankAccountsSampler(1), NotRecorded, ActivityKind.Internal));
    }

    [Fact]
    public void Should_record_a_projection_span_linked_to_a_recorded_request()
    {
        var sampler = new BankAccountsSampler(0);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, default, ActivityKind.Consumer, [new ActivityLink(NotRecorded), new ActivityLink(Recorded)]));
        Assert.Equal(SamplingDecision.Drop, Decide(sampler, default, ActivityKind.Consumer, [new ActivityLink(NotRecorded)]));
    }

    [Fact]
    public void Should_drop_database_calls_made_outside_any_trace()
    {
        Assert.Equal(SamplingDecision.Drop, Decide(new BankAccountsSampler(1), default, ActivityKind.Client));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(new BankAccountsSampler(1), default, ActivityKind.Server));
    }

    [Theory]
    [InlineData("TraceSampleRatio", "1.5")]
    [InlineData("OtlpEndpoint", "collector:4317")]
    [InlineData("ScrapeToken", "short")]
    public void Should_refuse_telemetry_settings_the_node_cannot_use(string key, string value)
    {
        var options = Options(new() { [$"{TelemetryOptions.SectionName}:{key}"] = value });

        Assert.Contains(options.Problems(), p => p.Contains($"{TelemetryOptions.SectionName}:{key}", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_name_a_misspelled_telemetry_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{TelemetryOptions.SectionName}:OtlpEndpont"] = "http://collector:4317" })
            .Build();

        Assert.Contains(SettingsCheck.Problems(configuration), p => p.Contains("did you mean 'OtlpEndpoint'", StringComparison.Ordinal));
    }

    private static TelemetryOptions Options(Dictionary<string, string?> settings) =>
        TelemetryHosting.OptionsFrom(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static SamplingDecision Decide(Sampler sampler, ActivityContext parent, ActivityKind kind, IEnumerable<ActivityLink>? links = null) =>
        sampler.ShouldSample(new SamplingParameters(parent, ActivityTraceId.CreateRandom(), "span", kind, links: links)).Decision;
}
