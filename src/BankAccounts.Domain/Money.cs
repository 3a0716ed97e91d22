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

    /// <summary>Errors for an amount that must be strictly positive (a deposit or withdrawal).</summary>
    public static IReadOnlyList<string> ValidatePositive(decimal amount, Currency currency, string field = "amount")
    {
        if (amount <= 0m)
        {
            return [$"'{field}' must be greater than zero."];
        }
        return ValidateBoundsAndScale(amount, currency, field);
    }

    /// <summary>Errors for an amount that may be zero but not negative (an overdraft limit).</summary>
    public static IReadOnlyList<string> ValidateNonNegative(decimal amount, Currency currency, string field)
    {
        if (amount < 0m)
        {
            return [$"'{field}' must not be negative."];
        }
        return ValidateBoundsAndScale(amount, currency, field);
    }

    /// <summary>Shape checks that do not need to know the currency.</summary>
    public static IReadOnlyList<string> ValidatePositiveShape(decimal amount, string field = "amount") =>
        amount <= 0m ? [$"'{field}' must be greater than zero."]
        : amount > MaxOperationAmount ? [$"'{field}' must not exceed {MaxOperationAmount:0}."]
        : [];

    /// <summary>The amount rounded to at most the currency's decimals, e.g. 100.250 EUR becomes 100.25 (7 stays 7).</summary>
    public static decimal Normalize(decimal amount, Currency currency) =>
        decimal.Round(amount, currency.MinorUnits, MidpointRounding.ToEven);

    private static IReadOnlyList<string> ValidateBoundsAndScale(decimal amount, Currency currency, string field)
    {
        var errors = new List<string>(2);
        if (amount > MaxOperationAmount)
        {
            errors.Add($"'{field}' must not exceed {MaxOperationAmount:0}.");
        }
        if (Normalize(amount, currency) != amount)
        {
            errors.Add($"'{field}' has more decimals than {currency.Code} allows ({currency.MinorUnits}).");
        }
        return errors;
    }

    public override string ToString() => $"{Amount} {Currency.Code}";
}
