using System.ComponentModel;
using BankAccounts.Api.Http;
using BankAccounts.Domain;

namespace BankAccounts.Api.Contracts;

[Description("Moves money between two accounts of the same currency.")]
public sealed record TransferRequest
{
    [Description("The account the money leaves.")]
    public required Guid FromAccountId { get; init; }

    [Description("The account the money goes to; must differ from the source and hold the same currency.")]
    public required Guid ToAccountId { get; init; }

    [DescriptionFormat("Greater than zero, at most {0:N0}, with at most the source currency's decimals.", (long)Money.MaxOperationAmount)]
    public required decimal Amount { get; init; }

    [DescriptionFormat("Optional free text for both statements (at most {0} characters).", Account.MaxReferenceLength)]
    public string? Reference { get; init; }
}

/// <summary>One step a transfer took, oldest first.</summary>
public sealed record TransferStepResponse(string Step, DateTimeOffset At, string Detail);

/// <param name="Status"><c>pending</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Currency">Known once the source was debited.</param>
public sealed record TransferResponse(
    Guid TransferId,
    string Status,
    Guid FromAccountId,
    Guid ToAccountId,
    decimal Amount,
    string? Currency,
    string? Reference,
    string? FailureReason,
    string? FailureDetail,
    DateTimeOffset? RequestedAt,
    DateTimeOffset? UpdatedAt,
    IReadOnlyList<TransferStepResponse> Steps);

public sealed record TransferSummaryResponse(
    Guid TransferId, string Status, Guid FromAccountId, Guid ToAccountId, decimal Amount, string? Currency, string? Reference,
    string? FailureReason, DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt);

public sealed record TransferListResponse(IReadOnlyList<TransferSummaryResponse> Items);
