using System.Diagnostics;
using BankAccounts.Domain;

namespace BankAccounts.Actors.Telemetry;

/// <summary>Spans of the transfer process: each step is a child of the request that asked for the transfer.</summary>
public static class TransferTelemetry
{
    /// <summary>Starts the span of one step; the account command it sends carries this span as its parent.</summary>
    public static Activity? StartStep(TransferState state, TransferStep step)
    {
        var activity = BankAccountsTelemetry.StartDetached(
            "transfer step " + step, ActivityKind.Internal, BankAccountsTelemetry.ContextOf(state.Origin.TraceParent));
        activity?.SetTag("bankaccounts.transfer.id", state.Id.ToString());
        return activity;
    }

    /// <summary>The step's command, parented on the step's span (unchanged when the step is not traced).</summary>
    public static AccountCommand Traced(AccountCommand command, Activity? step) =>
        BankAccountsTelemetry.TraceParentOf(step) is { } traceParent ? command with { TraceParent = traceParent } : command;

    /// <summary>Ends the step's span; returns null for the caller to forget it.</summary>
    public static Activity? EndStep(Activity? step, string outcome)
    {
        step?.SetTag("bankaccounts.step.outcome", outcome);
        BankAccountsTelemetry.StopDetached(step);
        return null;
    }
}
