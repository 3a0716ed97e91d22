using System.Security.Cryptography;
using System.Text;

namespace BankAccounts.Domain;

/// <summary>Identity of one account; its event stream is <c>account-{id}</c>.</summary>
public readonly record struct AccountId(Guid Value)
{
    public static AccountId New() => new(Guid.NewGuid());

    /// <summary>
    /// A stable id derived from a caller-chosen key, so that retrying "open an account" with the
    /// same idempotency key addresses the same account instead of opening a second one.
    /// </summary>
    public static AccountId DeriveFrom(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("bankaccounts/open-account/" + key));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5-style (name based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new AccountId(new Guid(bytes));
    }

    /// <summary>The id of a caller's opening key: the same key from two callers opens two accounts.</summary>
    public static AccountId DeriveFrom(Security.Principal caller, string key) => DeriveFrom($"{CommandId.ScopeOf(caller)}/{key}");

    public static bool TryParse(string? text, out AccountId id)
    {
        if (Guid.TryParse(text, out var guid) && guid != Guid.Empty)
        {
            id = new AccountId(guid);
            return true;
        }
        id = default;
        return false;
    }

    public override string ToString() => Value.ToString("D");
}
