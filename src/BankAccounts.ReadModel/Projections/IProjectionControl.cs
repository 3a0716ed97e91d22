using BankAccounts.ReadModel.Storage;

namespace BankAccounts.ReadModel.Projections;

/// <summary>Administrative control over the running projectors.</summary>
public interface IProjectionControl
{
    /// <summary>
    /// Stops the projector, empties its read model and offset in one transaction, and restarts it
    /// from offset zero. Completes when the reset is done (the replay then catches up in the background).
    /// </summary>
    Task RebuildAsync(string projection, CancellationToken cancellationToken = default);

    /// <summary>Offset (journal ordering) each projection has durably reached.</summary>
    Task<IReadOnlyDictionary<string, long>> OffsetsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every parked stream (of <paramref name="projection"/>, or of all), first parked event first.</summary>
    Task<IReadOnlyList<ParkedStream>> ParkedStreamsAsync(string? projection = null, CancellationToken cancellationToken = default);

    /// <summary>The parked events of one stream of a projection, in stream order.</summary>
    Task<IReadOnlyList<ParkedEvent>> ParkedEventsAsync(string projection, string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>Parked streams per projection (every projection listed, zero included): for readiness and metrics.</summary>
    Task<IReadOnlyDictionary<string, int>> ParkedStreamCountsAsync(CancellationToken cancellationToken = default);

    /// <summary>Re-applies a parked stream from the journal, in order (after the cause was fixed). Null when nothing of it is parked.</summary>
    Task<RetryOutcome?> RetryParkedAsync(string projection, string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>Skips the first parked event of a stream for good, recording why and by whom. False when it is not that event.</summary>
    Task<bool> SkipParkedAsync(string projection, string persistenceId, long version, string reason, string skippedBy, CancellationToken cancellationToken = default);
}

/// <summary>A stream a projection parked: where it stopped, why, and how many of its events wait.</summary>
public sealed record ParkedStream(
    string Projection, string PersistenceId, long FirstVersion, int Events, string Reason, string? Error,
    int Attempts, DateTimeOffset FirstFailureAt, DateTimeOffset LastFailureAt);
