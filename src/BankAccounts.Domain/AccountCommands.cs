using BankAccounts.Domain.Security;

namespace BankAccounts.Domain;

/// <summary>
/// A request to change an account. Every command carries the caller's <see cref="CommandId"/>
/// (idempotency), optionally the version the caller expects the account to be at (optimistic
/// concurrency), and who asks: the account decides whether that principal may (fail closed: a
/// command nobody attributed may do nothing).
/// </summary>
public abstract record AccountCommand(AccountId AccountId, CommandId CommandId, long? ExpectedVersion)
{
    public Principal Principal { get; init; } = Principal.Anonymous;

    /// <summary>The W3C <c>traceparent</c> of the request, recorded with the events it causes.</summary>
    public string? TraceParent { get; init; }
}

public static class AccountCommands
{
    /// <param name="Owner">The holder's name, as printed on statements.</param>
    public sealed record OpenAccount(
        AccountId AccountId, CommandId CommandId, string Owner, string Currency, decimal OverdraftLimit = 0m, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion)
    {
        /// <summary>The owning customer's subject; null: the principal opening it (a customer opens for itself).</summary>
        public string? CustomerId { get; init; }
    }

    /// <param name="Currency">Optional; when given it must be the account's currency.</param>
    public sealed record DepositMoney(
        AccountId AccountId, CommandId CommandId, decimal Amount, string? Currency = null, string? Reference = null, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion);

    /// <param name="Currency">Optional; when given it must be the account's currency.</param>
    public sealed record WithdrawMoney(
        AccountId AccountId, CommandId CommandId, decimal Amount, string? Currency = null, string? Reference = null, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion);

    public sealed record CloseAccount(AccountId AccountId, CommandId CommandId, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion);

    /// <summary>Step 1 of a transfer: take the money from the source account (declined like a withdrawal).</summary>
    public sealed record DebitForTransfer(
        AccountId AccountId, CommandId CommandId, TransferId TransferId, AccountId CreditAccountId, decimal Amount, string? Reference = null, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion);

    /// <summary>Step 2: give the money to the destination account; refused if it is not open or holds another currency.</summary>
    public sealed record CreditFromTransfer(
        AccountId AccountId, CommandId CommandId, TransferId TransferId, AccountId DebitAccountId, Money Amount, string? Reference = null, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion);

    /// <summary>Step 3 on success: the source learns the destination was credited; the transfer is no longer pending there.</summary>
    public sealed record SettleTransfer(AccountId AccountId, CommandId CommandId, TransferId TransferId, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion);

    /// <summary>Step 3 on failure (compensation): the source gets back exactly what was debited for the transfer.</summary>
    public sealed record RefundTransfer(AccountId AccountId, CommandId CommandId, TransferId TransferId, string Reason, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion);
}
