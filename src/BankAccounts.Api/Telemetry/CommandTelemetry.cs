using System.Diagnostics;
using BankAccounts.Actors.Telemetry;
using BankAccounts.Domain;

namespace BankAccounts.Api.Telemetry;

/// <summary>The client span of asking the account shard region, between the HTTP request and the entity.</summary>
internal static class CommandTelemetry
{
    public static Activity? StartAsk(AccountCommand command)
    {
        var activity = BankAccountsTelemetry.Source.StartActivity("account ask " + command.GetType().Name, ActivityKind.Client);
        activity?.SetTag("bankaccounts.account.id", command.AccountId.ToString());
        return activity;
    }

    /// <summary>The command carrying the ask's span as the parent of what the entity does.</summary>
    public static AccountCommand Traced(AccountCommand command, Activity? ask) =>
        BankAccountsTelemetry.TraceParentOf(ask) is { } traceParent ? command with { TraceParent = traceParent } : command;

    public static void Answered(Activity? ask, bool timedOut)
    {
        if (timedOut)
        {
            ask?.SetStatus(ActivityStatusCode.Error, "no answer before the ask timeout");
        }
    }
}
