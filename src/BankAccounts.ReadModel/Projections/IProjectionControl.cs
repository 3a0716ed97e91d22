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
}
