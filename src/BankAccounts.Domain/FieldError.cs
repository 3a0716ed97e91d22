using BankAccounts.Domain.Security;

namespace BankAccounts.Domain;

/// <summary>
/// Why one input was refused: the field (the request's JSON name, null when the refusal concerns no
/// single field), a stable code a client can switch on, and a message for people.
/// </summary>
public sealed record FieldError(string? Field, string Code, string Message)
{
    /// <summary>A refusal that concerns the request as a whole (an unknown account, a reused key…).</summary>
    public static FieldError General(string code, string message) => new(null, code, message);
}

/// <summary>The stable codes of <see cref="FieldError.Code"/>.</summary>
public static class FieldErrorCodes
{
    public const string Required = "required";
    public const string TooLong = "too_long";
    public const string ControlCharacters = "control_characters";
    public const string UnsupportedCurrency = "unsupported_currency";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string NotPositive = "not_positive";
    public const string Negative = "negative";
    public const string TooLarge = "too_large";
    public const string TooManyDecimals = "too_many_decimals";
    public const string SameAccount = "same_account";
    public const string InvalidSubject = "invalid_subject";
    public const string Invalid = "invalid";
}

/// <summary>
/// Every input rule, written once: the domain applies them to commands, the HTTP edge to requests
/// before sending a command (and the edge never words a rule itself).
/// </summary>
public static class FieldRules
{
    public static IEnumerable<FieldError> Owner(string? owner, string field = "owner")
    {
        var trimmed = owner?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            yield return new(field, FieldErrorCodes.Required, $"'{field}' must not be empty.");
        }
        else if (trimmed.Length > Account.MaxOwnerLength)
        {
            yield return new(field, FieldErrorCodes.TooLong, $"'{field}' must be at most {Account.MaxOwnerLength} characters.");
        }
        else if (trimmed.Any(char.IsControl))
        {
            yield return new(field, FieldErrorCodes.ControlCharacters, $"'{field}' must not contain control characters.");
        }
    }

    public static IEnumerable<FieldError> Reference(string? reference, string field = "reference")
    {
        if (reference is null)
        {
            yield break;
        }
        if (reference.Length > Account.MaxReferenceLength)
        {
            yield return new(field, FieldErrorCodes.TooLong, $"'{field}' must be at most {Account.MaxReferenceLength} characters.");
        }
        if (reference.Any(char.IsControl))
        {
            yield return new(field, FieldErrorCodes.ControlCharacters, $"'{field}' must not contain control characters.");
        }
    }

    public static FieldError UnsupportedCurrency(string field = "currency") =>
        new(field, FieldErrorCodes.UnsupportedCurrency, $"'{field}' must be one of {string.Join(", ", Currency.SupportedCodes.Order(StringComparer.Ordinal))}.");

    /// <summary>An optional currency code: absent is fine, unknown is not.</summary>
    public static IEnumerable<FieldError> OptionalCurrency(string? code, string field = "currency") =>
        code is not null && !Currency.TryFind(code, out _) ? [UnsupportedCurrency(field)] : [];

    /// <summary>Shape checks of an amount that must be strictly positive, without knowing the currency.</summary>
    public static IEnumerable<FieldError> PositiveAmountShape(decimal amount, string field = "amount") =>
        amount <= 0m ? [NotPositive(field)]
        : amount > Money.MaxOperationAmount ? [TooLarge(field)]
        : [];

    /// <summary>A strictly positive amount in <paramref name="currency"/> (a deposit, withdrawal or transfer).</summary>
    public static IEnumerable<FieldError> PositiveAmount(decimal amount, Currency currency, string field = "amount") =>
        amount <= 0m ? [NotPositive(field)] : BoundsAndScale(amount, currency, field);

    /// <summary>An amount that may be zero but not negative (an overdraft limit).</summary>
    public static IEnumerable<FieldError> NonNegativeAmount(decimal amount, Currency currency, string field) =>
        amount < 0m ? [new(field, FieldErrorCodes.Negative, $"'{field}' must not be negative.")] : BoundsAndScale(amount, currency, field);

    public static IEnumerable<FieldError> CustomerId(string? customerId, string field = "customerId") =>
        customerId is not null && !Principal.IsValidSubject(customerId)
            ? [new(field, FieldErrorCodes.InvalidSubject, $"'{field}' must be 1 to {Principal.MaxSubjectLength} characters without control characters.")]
            : [];

    public static IEnumerable<FieldError> DistinctAccounts(Guid from, Guid to) =>
        from == to
            ? [new("toAccountId", FieldErrorCodes.SameAccount, "'toAccountId' must differ from 'fromAccountId'.")]
            : [];

    private static FieldError NotPositive(string field) => new(field, FieldErrorCodes.NotPositive, $"'{field}' must be greater than zero.");

    private static FieldError TooLarge(string field) => new(field, FieldErrorCodes.TooLarge, $"'{field}' must not exceed {Money.MaxOperationAmount:0}.");

    private static IEnumerable<FieldError> BoundsAndScale(decimal amount, Currency currency, string field)
    {
        if (amount > Money.MaxOperationAmount)
        {
            yield return TooLarge(field);
        }
        if (Money.Normalize(amount, currency) != amount)
        {
            yield return new(field, FieldErrorCodes.TooManyDecimals, $"'{field}' has more decimals than {currency.Code} allows ({currency.MinorUnits}).");
        }
    }
}
