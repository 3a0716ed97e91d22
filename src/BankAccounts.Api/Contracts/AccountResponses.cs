using System.Text.Json;

namespace BankAccounts.Api.Contracts;

/// <summary>The answer to <c>POST /accounts</c>.</summary>
public sealed record AccountOpenedResponse(Guid AccountId, string Owner, string Currency, decimal OverdraftLimit, decimal Balance, long Version);

/// <summary>The answer to a deposit or withdrawal: the account right after it.</summary>
public sealed record BalanceResponse(Guid AccountId, decimal Balance, long Version);

public sealed record AccountClosedResponse(Guid AccountId, decimal Balance, long Version, string Status);

/// <summary>An account as the read model knows it.</summary>
/// <param name="ChainHead">The SHA-256 of the stored bytes of the account's last event (version <paramref name="Version"/>): the hash chain's head.</param>
public sealed record AccountResponse(
    Guid AccountId,
    string Owner,
    string Currency,
    decimal Balance,
    decimal OverdraftLimit,
    string Status,
    long Version,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    string? ChainHead);

public sealed record AccountListResponse(IReadOnlyList<AccountResponse> Items);

/// <param name="Amount">Signed: positive money in, negative money out, zero for declines and status changes.</param>
/// <param name="TransferId">The transfer this entry belongs to, if any.</param>
public sealed record TransactionResponse(
    long Version, string EventType, decimal Amount, decimal BalanceAfter, string? Reference, Guid? TransferId, DateTimeOffset OccurredAt);

/// <param name="Next">The link to the following page, or null on the last one.</param>
public sealed record TransactionPageResponse(IReadOnlyList<TransactionResponse> Items, string? Next);

/// <param name="Type">The stored event name with its version, e.g. <c>MoneyDeposited.v1</c>.</param>
/// <param name="Timestamp">When the event happened (its <c>occurredAt</c>).</param>
/// <param name="Data">The event exactly as it is stored in the journal.</param>
public sealed record StoredEventResponse(long SequenceNr, string Type, DateTimeOffset Timestamp, JsonElement Data);

public sealed record StoredEventPageResponse(IReadOnlyList<StoredEventResponse> Items, string? Next);
