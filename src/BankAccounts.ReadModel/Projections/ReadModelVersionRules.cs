namespace BankAccounts.ReadModel.Projections;

/// <summary>Where a read model version is in its life (stored in <c>read_model_versions.state</c>).</summary>
public enum ReadModelVersionState
{
    /// <summary>Its tables are being filled from offset zero; its nodes are not ready and refuse reads.</summary>
    Building,

    /// <summary>The newest complete version: its nodes serve reads.</summary>
    Active,

    /// <summary>Complete, but a newer version is active; nodes still running it keep it current and serve it.</summary>
    Superseded,

    /// <summary>Its tables were removed by an operator.</summary>
    Dropped,
}

/// <summary>The rules of side-by-side rebuilds, as pure functions: which state a version takes, and what may be dropped.</summary>
public static class ReadModelVersionRules
{
    /// <summary>
    /// A version whose tables were just created: it serves at once when nothing else does (a new installation, or its
    /// own tables rebuilt while it was the active one), otherwise it builds beside the active version.
    /// </summary>
    public static ReadModelVersionState StateWhenCreated(int version, int? activeVersion) =>
        activeVersion is null || activeVersion == version ? ReadModelVersionState.Active : ReadModelVersionState.Building;

    /// <summary>A building version that caught up with the journal: it becomes active unless a newer one already is (never a downgrade).</summary>
    public static ReadModelVersionState StateWhenCaughtUp(int version, int? activeVersion) =>
        activeVersion is null || version >= activeVersion ? ReadModelVersionState.Active : ReadModelVersionState.Superseded;

    /// <summary>Whether a state lets a node answer reads from its version's tables.</summary>
    public static bool Serves(ReadModelVersionState state) => state is ReadModelVersionState.Active or ReadModelVersionState.Superseded;

    /// <summary>Why <paramref name="version"/>'s tables may not be dropped now, or null when they may.</summary>
    /// <param name="versionsRunning">Read model versions of the cluster's Up members (their roles); the legacy version has no role and is not seen.</param>
    public static string? DropRefusal(int version, ReadModelVersionState state, int servedHere, IReadOnlyCollection<int> versionsRunning) =>
        state switch
        {
            ReadModelVersionState.Active => $"Version {version} is the active read model; activate a newer one first.",
            ReadModelVersionState.Dropped => null,
            _ when version == servedHere => $"This node serves version {version}; ask a node of another version.",
            _ when versionsRunning.Contains(version) => $"Nodes of version {version} are still members of the cluster; stop them first.",
            _ => null,
        };
}

/// <summary>How far a rebuild got: journal events applied by the version's projections out of those they follow.</summary>
public sealed record RebuildProgress(long EventsDone, long EventsTotal, DateTimeOffset StartedAt)
{
    public long EventsBehind => Math.Max(0, EventsTotal - EventsDone);

    /// <summary>0 to 100, rounded down (100 only when nothing is behind).</summary>
    public int Percent => EventsTotal <= 0 || EventsBehind == 0 ? 100 : (int)(EventsDone * 100 / EventsTotal);

    /// <summary>Time left at the average rate since the start; null before anything was applied.</summary>
    public TimeSpan? EstimatedRemaining(DateTimeOffset now)
    {
        if (EventsBehind == 0)
        {
            return TimeSpan.Zero;
        }
        var elapsed = now - StartedAt;
        if (EventsDone <= 0 || elapsed <= TimeSpan.Zero)
        {
            return null;
        }
        return TimeSpan.FromTicks((long)(elapsed.Ticks * (EventsBehind / (double)EventsDone)));
    }
}
