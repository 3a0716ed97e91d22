using System.Diagnostics;
using System.Diagnostics.Metrics;
using BankAccounts.Domain;

namespace BankAccounts.Actors.Telemetry;

/// <summary>Spans and metrics of the account entity: one <see cref="CommandTrace"/> per decided command.</summary>
public static class AccountTelemetry
{
    private static readonly Counter<long> Commands = BankAccountsTelemetry.Meter.CreateCounter<long>(
        "bankaccounts.commands", "{command}", "Account commands answered, by command type and outcome.");

    private static readonly Histogram<double> CommandDuration = BankAccountsTelemetry.Meter.CreateHistogram(
        "bankaccounts.command.duration", "s", "Time from deciding an account command to its durable answer.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BankAccountsTelemetry.DurationBuckets });

    private static readonly Histogram<long> EventsPerWrite = BankAccountsTelemetry.Meter.CreateHistogram(
        "bankaccounts.journal.write.events", "{event}", "Events persisted by one decision (one PersistAll call; the journal may batch several into one transaction).",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 3, 5, 10] });

    private static readonly Histogram<double> RecoveryDuration = BankAccountsTelemetry.Meter.CreateHistogram(
        "bankaccounts.entity.recovery.duration", "s", "Time an entity took to recover its state (snapshot and replayed events).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BankAccountsTelemetry.DurationBuckets });

    private static readonly Counter<long> SnapshotSaves = BankAccountsTelemetry.Meter.CreateCounter<long>(
        "bankaccounts.snapshot.saves", "{snapshot}", "Snapshot saves of account entities, by outcome.");

    private static readonly Counter<long> Passivations = BankAccountsTelemetry.Meter.CreateCounter<long>(
        "bankaccounts.entity.passivations", "{entity}", "Entities stopped by passivation (idle, never opened) or shard hand-off.");

    /// <summary>Starts the span of deciding <paramref name="command"/>, a child of the request that sent it.</summary>
    public static CommandTrace StartDecide(AccountCommand command, string persistenceId)
    {
        var activity = BankAccountsTelemetry.StartDetached(
            "account decide " + command.GetType().Name, ActivityKind.Internal, BankAccountsTelemetry.ContextOf(command.TraceParent));
        activity?.SetTag("bankaccounts.persistence_id", persistenceId);
        activity?.SetTag("bankaccounts.command.type", command.GetType().Name);
        return new CommandTrace(command.GetType().Name, activity, Stopwatch.GetTimestamp());
    }

    /// <summary>A command refused before it was decided (not permitted, not for this account).</summary>
    public static void Refused(AccountCommand command, CommandOutcome outcome) =>
        Commands.Add(1, new TagList { { "command.type", command.GetType().Name }, { "outcome", OutcomeName(outcome) } });

    public static long RecoveryStarted() => Stopwatch.GetTimestamp();

    public static void Recovered(long startedAt) =>
        RecoveryDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new TagList { { "entity.type", "account" } });

    public static void SnapshotSaved(bool succeeded) =>
        SnapshotSaves.Add(1, new TagList { { "outcome", succeeded ? "success" : "failure" } });

    public static void Passivated(string entityType) =>
        Passivations.Add(1, new TagList { { "entity.type", entityType } });

    public static string OutcomeName(CommandOutcome outcome) => outcome switch
    {
        CommandAccepted => "accepted",
        CommandDeclined => "declined",
        CommandRejected rejected => "rejected_" + rejected.Reason switch
        {
            RejectionReason.InvalidCommand => "invalid",
            RejectionReason.AccountNotFound => "not_found",
            RejectionReason.AccountAlreadyExists => "already_exists",
            RejectionReason.AccountClosed => "closed",
            RejectionReason.VersionMismatch => "version_mismatch",
            RejectionReason.CommandIdReused => "command_id_reused",
            RejectionReason.Forbidden => "forbidden",
            _ => "other",
        },
        _ => "other",
    };

    /// <summary>One command through the entity: decide, then (when it produced events) the journal write, then the answer.</summary>
    public sealed class CommandTrace(string commandType, Activity? decide, long startedAt)
    {
        private Activity? _write;

        /// <summary>The events go to the journal: a child span covers the write as the entity sees it (queued, batched, committed).</summary>
        public void Persisting(int events)
        {
            EventsPerWrite.Record(events);
            if (decide is not null)
            {
                _write = BankAccountsTelemetry.StartDetached("journal write", ActivityKind.Internal, decide.Context);
                _write?.SetTag("bankaccounts.events", events);
            }
        }

        /// <summary>The answer is on its way: ends the spans and records the command's outcome and duration.</summary>
        public void Answered(CommandOutcome outcome)
        {
            BankAccountsTelemetry.StopDetached(_write);
            var name = OutcomeName(outcome);
            decide?.SetTag("bankaccounts.command.outcome", name);
            BankAccountsTelemetry.StopDetached(decide);
            var tags = new TagList { { "command.type", commandType }, { "outcome", name } };
            Commands.Add(1, tags);
            CommandDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
        }
    }
}
