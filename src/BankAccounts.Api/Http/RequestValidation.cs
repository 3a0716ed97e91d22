using BankAccounts.Api.Contracts;
using BankAccounts.Domain;

namespace BankAccounts.Api.Http;

/// <summary>
/// Shape checks at the edge, before a command is sent; the domain checks again (and alone knows
/// the account's currency, so the number of decimals of a movement is checked there).
/// </summary>
internal static class RequestValidation
{
    public static Dictionary<string, string[]> Validate(OpenAccountRequest request)
    {
        var errors = new Dictionary<string, List<string>>();
        var owner = request.Owner.Trim();
        if (owner.Length == 0)
        {
            Add(errors, "owner", "'owner' must not be empty.");
        }
        else if (owner.Length > Account.MaxOwnerLength)
        {
            Add(errors, "owner", $"'owner' must be at most {Account.MaxOwnerLength} characters.");
        }
        else if (owner.Any(char.IsControl))
        {
            Add(errors, "owner", "'owner' must not contain control characters.");
        }
        if (Currency.TryFind(request.Currency, out var currency))
        {
            AddAll(errors, "overdraftLimit", Money.ValidateNonNegative(request.OverdraftLimit, currency, "overdraftLimit"));
        }
        else
        {
            Add(errors, "currency", UnknownCurrency());
        }
        return Freeze(errors);
    }

    public static Dictionary<string, string[]> Validate(MoneyMovementRequest request)
    {
        var errors = new Dictionary<string, List<string>>();
        AddAll(errors, "amount", Money.ValidatePositiveShape(request.Amount));
        if (request.Currency is not null && !Currency.TryFind(request.Currency, out _))
        {
            Add(errors, "currency", UnknownCurrency());
        }
        ValidateReference(errors, request.Reference);
        return Freeze(errors);
    }

    public static Dictionary<string, string[]> Validate(TransferRequest request)
    {
        var errors = new Dictionary<string, List<string>>();
        if (request.FromAccountId == Guid.Empty)
        {
            Add(errors, "fromAccountId", "'fromAccountId' must be an account id.");
        }
        if (request.ToAccountId == Guid.Empty)
        {
            Add(errors, "toAccountId", "'toAccountId' must be an account id.");
        }
        else if (request.ToAccountId == request.FromAccountId)
        {
            Add(errors, "toAccountId", "'toAccountId' must differ from 'fromAccountId'.");
        }
        AddAll(errors, "amount", Money.ValidatePositiveShape(request.Amount));
        ValidateReference(errors, request.Reference);
        return Freeze(errors);
    }

    private static void ValidateReference(Dictionary<string, List<string>> errors, string? reference)
    {
        if (reference is null)
        {
            return;
        }
        if (reference.Length > Account.MaxReferenceLength)
        {
            Add(errors, "reference", $"'reference' must be at most {Account.MaxReferenceLength} characters.");
        }
        if (reference.Any(char.IsControl))
        {
            Add(errors, "reference", "'reference' must not contain control characters.");
        }
    }

    private static string UnknownCurrency() =>
        $"'currency' must be one of {string.Join(", ", Currency.SupportedCodes.Order(StringComparer.Ordinal))}.";

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }
        messages.Add(message);
    }

    private static void AddAll(Dictionary<string, List<string>> errors, string field, IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            Add(errors, field, message);
        }
    }

    private static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
