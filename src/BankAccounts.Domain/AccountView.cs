namespace BankAccounts.Domain;

/// <summary>
/// What others may ask of an account: who holds it, its currency, balance, status and version, without
/// its idempotency window or pending transfers (those stay inside the entity; this is what travels).
/// </summary>
public sealed record AccountView(
    AccountId Id,
    AccountStatus Status,
    string Owner,
    string? OwnerId,
    Currency Currency,
    decimal Balance,
    decimal OverdraftLimit,
    long Version,
    string? ChainHead)
{
    public static AccountView Of(AccountState state) => new(
        state.Id, state.Status, state.Owner, state.OwnerId, state.Currency, state.Balance, state.OverdraftLimit, state.Version, state.ChainHead);
}

/// <summary>The terms an account was opened with, as it stored them (trimmed, normalised); they never change afterwards.</summary>
public sealed record AccountOpening(string Owner, Currency Currency, decimal OverdraftLimit);
