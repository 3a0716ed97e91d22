namespace BankAccounts.Domain;

/// <summary>
/// A request to change an account. Every command carries the caller's <see cref="CommandId"/>
/// (idempotency) and, optionally, the version the caller expects the account to be at
/// (optimistic concurrency).
/// </summary>
public abstract record AccountCommand(AccountId AccountId, CommandId CommandId, long? ExpectedVersion);

public static class AccountCommands
{
    public sealed record OpenAccount(
        AccountId AccountId, CommandId CommandId, string Owner, string Currency, decimal OverdraftLimit = 0m, long? ExpectedVersion = null)
        : AccountCommand(AccountId, CommandId, ExpectedVersion);

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
}
