using System.ComponentModel;
using BankAccounts.Api.Http;
using BankAccounts.Domain;

namespace BankAccounts.Api.Contracts;

[Description("Opens an account.")]
public sealed record OpenAccountRequest
{
    [DescriptionFormat("Name of the account holder (1 to {0} characters).", Account.MaxOwnerLength)]
    public required string Owner { get; init; }

    [Description("ISO 4217 code, upper case, e.g. EUR.")]
    public required string Currency { get; init; }

    [Description("How far the balance may go below zero; at most the currency's decimals. Default 0. Only a teller may grant one.")]
    public decimal OverdraftLimit { get; init; }

    [Description("The owning customer's id (their token subject). A teller must name it; a customer may omit it or give their own.")]
    public string? CustomerId { get; init; }
}

[Description("A deposit or a withdrawal.")]
public sealed record MoneyMovementRequest
{
    [DescriptionFormat("Greater than zero, at most {0:N0}, with at most the account currency's decimals.", (long)Money.MaxOperationAmount)]
    public required decimal Amount { get; init; }

    [Description("Optional; when given it must be the account's currency.")]
    public string? Currency { get; init; }

    [DescriptionFormat("Optional free text for the statement (at most {0} characters).", Account.MaxReferenceLength)]
    public string? Reference { get; init; }
}

[Description("Closing takes no parameters; the body may be omitted.")]
public sealed record CloseAccountRequest
{
    public static readonly CloseAccountRequest Empty = new();
}
