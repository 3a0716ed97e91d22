using System.Diagnostics;
using OpenTelemetry.Trace;

namespace BankAccounts.Api.Telemetry;

/// <summary>
/// Parent-based ratio sampling with two additions for an event-sourced system: a span with no parent but a link to a
/// recorded trace (a projection applying events of sampled requests) is recorded, so the trace can be followed to
/// the read model; and a client call made outside any trace (the journal's writes and the read journal's polling,
/// which run in Akka's own streams) is dropped rather than becoming a root trace of its own.
/// </summary>
internal sealed class BankAccountsSampler(double ratio) : Sampler
{
    private readonly TraceIdRatioBasedSampler _roots = new(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters parameters)
    {
        if (parameters.ParentContext.TraceId != default)
        {
            return parameters.ParentContext.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
                ? new SamplingResult(SamplingDecision.RecordAndSample)
                : new SamplingResult(SamplingDecision.Drop);
        }
        if (parameters.Links is { } links && links.Any(l => l.Context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)))
        {
            return new SamplingResult(SamplingDecision.RecordAndSample);
        }
        return parameters.Kind == ActivityKind.Client
            ? new SamplingResult(SamplingDecision.Drop)
            : _roots.ShouldSample(parameters);
    }
}
