using System.Diagnostics;
using BankAccounts.Actors.Telemetry;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Projections;

namespace BankAccounts.ReadModel.Telemetry;

/// <summary>
/// The span of a projection applying a batch. A batch mixes events of many requests, so the span is not a child of
/// any of them: it is <em>linked</em> to the trace context each event stored (OpenTelemetry's batch-consumer shape).
/// </summary>
public static class ProjectionTelemetry
{
    /// <summary>Links per span at most (OpenTelemetry's default limit); a bigger batch links its first ones.</summary>
    public const int MaxLinks = 128;

    public static Activity? StartApply(string projection, IReadOnlyList<ProjectedEvent> batch)
    {
        if (!BankAccountsTelemetry.Source.HasListeners())
        {
            return null;
        }
        var links = new List<ActivityLink>();
        foreach (var projected in batch)
        {
            if (links.Count == MaxLinks)
            {
                break;
            }
            var context = BankAccountsTelemetry.ContextOf(TraceParentOf(projected.Event));
            if (context != default)
            {
                links.Add(new ActivityLink(context));
            }
        }
        var activity = BankAccountsTelemetry.Source.StartActivity(
            "projection apply " + projection, ActivityKind.Consumer, parentContext: default, links: links);
        activity?.SetTag("bankaccounts.projection", projection);
        activity?.SetTag("bankaccounts.events", batch.Count);
        activity?.SetTag("bankaccounts.offset.first", batch[0].Offset);
        activity?.SetTag("bankaccounts.offset.last", batch[^1].Offset);
        return activity;
    }

    private static string? TraceParentOf(object @event) => @event switch
    {
        AccountEvent account => account.Metadata.TraceParent,
        TransferEvent transfer => transfer.Metadata.TraceParent,
        _ => null,
    };
}
