namespace BankAccounts.Domain;

/// <summary>
/// What others may ask of an account: who holds it, its currency, balance, status and version, without
/// its idempotency window or pending transfers (those stay inside the entity; this is what travels).
/// </summary>
/// <param name="Owner">Null while the account is <see cref="AccountStatus.NotOpened"/>, and so is <paramref name="Currency"/>.</param>
public sealed record AccountView(
    AccountId Id,
    AccountStatus Status,
    string? Owner,
    string? OwnerId,
    Currency? Currency,
    decimal Balance,
    decimal OverdraftLimit,
    long Version,
    string? ChainHead)
{
    public static AccountView Of(AccountState state) => state switch
    {
        AccountState.Opened account => new(
            account.Id, account.Status, account.Owner, account.OwnerId, account.Currency, account.Balance, account.OverdraftLimit, account.Version, account.ChainHead),
        _ => new(state.Id, state.Status, null, null, null, 0m, 0m, state.Version, state.ChainHead),
    };
}

/// <summary>The terms an account was opened with, as it stored them (trimmed, normalised); they never change afterwards.</summary>
public sealed record AccountOpening(string Owner, Currency Currency, decimal OverdraftLimit);
