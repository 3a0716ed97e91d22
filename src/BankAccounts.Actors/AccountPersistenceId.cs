using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>One event stream per account: <c>account-{id}</c>.</summary>
public static class AccountPersistenceId
{
    public const string Prefix = "account-";

    public static string For(AccountId id) => Prefix + id;

    public static bool TryParse(string persistenceId, out AccountId id)
    {
        if (persistenceId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return AccountId.TryParse(persistenceId[Prefix.Length..], out id);
        }
        id = default;
        return false;
    }
}
