using BankAccounts.ReadModel.Projections;

namespace BankAccounts.Api.Contracts;

/// <param name="Version">The stream version of the parked event to skip: its first parked event.</param>
/// <param name="Reason">Why it is skipped (kept with who and when).</param>
public sealed record SkipParkedEventRequest(long Version, string Reason);

public sealed record ParkedStreamResponse(
    string Projection, string PersistenceId, long FirstVersion, int Events, string Reason, string? Error,
    int Attempts, DateTimeOffset FirstFailureAt, DateTimeOffset LastFailureAt)
{
    public static ParkedStreamResponse From(ParkedStream s) =>
        new(s.Projection, s.PersistenceId, s.FirstVersion, s.Events, s.Reason, s.Error, s.Attempts, s.FirstFailureAt, s.LastFailureAt);
}

public sealed record ParkedStreamListResponse(IReadOnlyList<ParkedStreamResponse> Items);

/// <param name="Offset">Its journal ordering (0 when the feed never delivered it).</param>
/// <param name="Reason"><c>failed</c>, <c>gap</c> (earlier events missing from the journal) or <c>behind</c> (an earlier event is parked).</param>
public sealed record ParkedEventResponse(
    long Version, long Offset, string Reason, string? EventType, string? Error, int Attempts, DateTimeOffset FirstFailureAt, DateTimeOffset LastFailureAt);

public sealed record ParkedEventListResponse(string Projection, string PersistenceId, IReadOnlyList<ParkedEventResponse> Items);

public sealed record ParkedRetryResponse(string Projection, string PersistenceId, int Applied);

public sealed record ParkedSkipResponse(string Projection, string PersistenceId, long Version, string Reason, string SkippedBy, int StillParked);
