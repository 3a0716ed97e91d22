using BankAccounts.Actors.Persistence;

namespace BankAccounts.ReadModel.Storage;

/// <summary>Where the read model lives (configuration section <c>BankAccounts:ReadModel</c>), separate from the journal.</summary>
public sealed class ReadModelOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/readmodel.db";

    /// <summary>
    /// The read model version this node builds and serves (its tables are <c>rm{Version}_…</c>). Defaults to this build's
    /// <see cref="ReadModelDatabase.SchemaVersion"/>; never lower. A higher number rebuilds the same schema beside the
    /// one serving, under a new version: to rehearse an upgrade, or to replace a damaged read model without downtime.
    /// </summary>
    public int Version { get; set; } = ReadModelDatabase.SchemaVersion;

    /// <summary>A building version becomes active once its projections are at most this many journal events behind.</summary>
    public int SwitchWhenBehind { get; set; } = 100;

    /// <summary>How often a node rereads its version's state and, while it builds, measures and records its progress.</summary>
    public TimeSpan VersionCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Events applied per database transaction at most.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How long a batch may wait to fill up before it is written anyway. Events arrive in chunks (one
    /// journal poll each), so a short window loses little batching and adds little lag.
    /// </summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Back-off bounds when a database write fails (the projector retries forever, never skips).</summary>
    public TimeSpan MinRetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A transfer pending and unchanged for this long is woken up (and the sweep runs this often).</summary>
    public TimeSpan StalledTransferAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an idempotency key is honoured at least, whatever the traffic on its account: the
    /// command history keeps commands this long (the entity's window keeps the most recent ones anyway).
    /// </summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The integrity check reports a transfer still in flight and unchanged for this long as drift.</summary>
    public TimeSpan InFlightDriftAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Attempts (each after a back-off between <see cref="MinRetryBackoff"/> and <see cref="MaxRetryBackoff"/>) at applying
    /// one event, while the database itself answers, before the projection gives up on it (see <see cref="FailurePolicy"/>).
    /// </summary>
    public int PoisonEventAttempts { get; set; } = 5;

    /// <summary>What each projection does with an event it cannot apply.</summary>
    public ProjectionFailurePolicies FailurePolicy { get; set; } = new();

    /// <summary>
    /// How often each projection compares the versions it has applied with the journal's streams, to repair a stream whose
    /// last event the read journal passed over (a PostgreSQL row that committed too late); a pass checks <see cref="ReconcileStreams"/> streams.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Streams compared per reconciliation pass (the next pass continues where this one stopped).</summary>
    public int ReconcileStreams { get; set; } = 2000;
}

/// <summary>What a projection does with an event that keeps failing, per projection (<c>BankAccounts:ReadModel:FailurePolicy:Transfers = Stop</c>).</summary>
public sealed class ProjectionFailurePolicies
{
    public ProjectionFailurePolicy AccountLedger { get; set; } = ProjectionFailurePolicy.Park;

    public ProjectionFailurePolicy DeclineAlerts { get; set; } = ProjectionFailurePolicy.Park;

    public ProjectionFailurePolicy Transfers { get; set; } = ProjectionFailurePolicy.Park;

    public ProjectionFailurePolicy For(string projection) => projection switch
    {
        Projections.ProjectionNames.AccountLedger => AccountLedger,
        Projections.ProjectionNames.DeclineAlerts => DeclineAlerts,
        Projections.ProjectionNames.Transfers => Transfers,
        _ => ProjectionFailurePolicy.Park,
    };
}

public enum ProjectionFailurePolicy
{
    /// <summary>Park the event and the rest of its stream in <c>parked_events</c>; every other stream goes on.</summary>
    Park,

    /// <summary>Park the event (recording why) and stop the whole projection until an operator retries or skips it.</summary>
    Stop,
}
