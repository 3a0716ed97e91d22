namespace BankAccounts.Api.Contracts;

/// <param name="Offset">The journal ordering of the last event the projection durably applied.</param>
public sealed record ProjectionOffsetResponse(string Projection, long Offset);

public sealed record ProjectionListResponse(IReadOnlyList<ProjectionOffsetResponse> Items);

public sealed record ProjectionRebuildResponse(string Projection, string Status);

/// <summary>One read model version: its state and how far its rebuild got.</summary>
/// <param name="State">building, active, superseded or dropped.</param>
/// <param name="TablePrefix">What its table names start with (empty for the legacy version 4).</param>
/// <param name="EventsDone">Journal events applied, summed over its projections (each counts the events of the tag it follows).</param>
/// <param name="EstimatedSecondsLeft">While building, at the average rate so far; null before anything was applied.</param>
public sealed record ReadModelVersionResponse(
    int Version, string State, string TablePrefix, long EventsDone, long EventsTotal, int Percent, double? EstimatedSecondsLeft,
    DateTimeOffset StartedAt, DateTimeOffset? CaughtUpAt, DateTimeOffset? ActivatedAt);

/// <param name="ServedHere">The version this node builds and serves.</param>
/// <param name="ActiveVersion">The version reads are served from (null while none is).</param>
public sealed record ReadModelVersionListResponse(int ServedHere, int? ActiveVersion, IReadOnlyList<ReadModelVersionResponse> Versions);
