using BankAccounts.Api.Contracts;
using BankAccounts.Domain;

namespace BankAccounts.Api.Http;

/// <summary>
/// Shape checks at the edge, before a command is sent, with the domain's own rules
/// (<see cref="FieldRules"/>); the domain checks again and alone knows the account's currency, so
/// the number of decimals of a movement is checked there.
/// </summary>
internal static class RequestValidation
{
    public static IReadOnlyList<FieldError> Validate(OpenAccountRequest request)
    {
        var errors = new List<FieldError>(FieldRules.Owner(request.Owner));
        if (Currency.TryFind(request.Currency, out var currency))
        {
            errors.AddRange(FieldRules.NonNegativeAmount(request.OverdraftLimit, currency, "overdraftLimit"));
        }
        else
        {
            errors.Add(FieldRules.UnsupportedCurrency());
        }
        return errors;
    }

    public static IReadOnlyList<FieldError> Validate(MoneyMovementRequest request) =>
        [
            .. FieldRules.PositiveAmountShape(request.Amount),
            .. FieldRules.OptionalCurrency(request.Currency),
            .. FieldRules.Reference(request.Reference),
        ];

    public static IReadOnlyList<FieldError> Validate(TransferRequest request)
    {
        var errors = new List<FieldError>();
        if (request.FromAccountId == Guid.Empty)
        {
            errors.Add(new("fromAccountId", FieldErrorCodes.Required, "'fromAccountId' must be an account id."));
        }
        if (request.ToAccountId == Guid.Empty)
        {
            errors.Add(new("toAccountId", FieldErrorCodes.Required, "'toAccountId' must be an account id."));
        }
        else
        {
            errors.AddRange(FieldRules.DistinctAccounts(request.FromAccountId, request.ToAccountId));
        }
        errors.AddRange(FieldRules.PositiveAmountShape(request.Amount));
        errors.AddRange(FieldRules.Reference(request.Reference));
        return errors;
    }
}
