namespace BankAccounts.Api.Contracts;

/// <param name="Offset">The journal ordering of the last event the projection durably applied.</param>
public sealed record ProjectionOffsetResponse(string Projection, long Offset);

public sealed record ProjectionListResponse(IReadOnlyList<ProjectionOffsetResponse> Items);

public sealed record ProjectionRebuildResponse(string Projection, string Status);
