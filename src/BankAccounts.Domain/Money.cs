namespace BankAccounts.Domain;

/// <summary>An amount in a currency. Always <see cref="decimal"/>: binary floating point cannot hold cents.</summary>
public readonly record struct Money(decimal Amount, Currency Currency)
{
    /// <summary>
    /// Upper bound for one operation (deposit, withdrawal, transfer) and for an overdraft limit:
    /// one billion units of the currency. Keeps every balance far inside decimal's range.
    /// </summary>
    public const decimal MaxOperationAmount = 1_000_000_000m;

    public static Money Zero(Currency currency) => new(0m, currency);

    /// <summary>The amount rounded to at most the currency's decimals, e.g. 100.250 EUR becomes 100.25 (7 stays 7).</summary>
    public static decimal Normalize(decimal amount, Currency currency) =>
        decimal.Round(amount, currency.MinorUnits, MidpointRounding.ToEven);

    public override string ToString() => $"{Amount} {Currency.Code}";
}
