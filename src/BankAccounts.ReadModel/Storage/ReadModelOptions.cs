using BankAccounts.Actors.Persistence;

namespace BankAccounts.ReadModel.Storage;

/// <summary>Where the read model lives (configuration section <c>BankAccounts:ReadModel</c>), separate from the journal.</summary>
public sealed class ReadModelOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/readmodel.db";

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
}
