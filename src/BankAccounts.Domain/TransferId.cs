using System.Security.Cryptography;
using System.Text;

namespace BankAccounts.Domain;

/// <summary>Identity of one transfer; its process stream is <c>transfer-{id}</c>.</summary>
public readonly record struct TransferId(Guid Value)
{
    public static TransferId New() => new(Guid.NewGuid());

    /// <summary>A stable id derived from a caller's idempotency key, so a retried request resumes the same transfer.</summary>
    public static TransferId DeriveFrom(string key)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("bankaccounts/transfer/" + key)).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new TransferId(new Guid(bytes));
    }

    /// <summary>The id of a caller's transfer request key: the same key from two callers names two transfers.</summary>
    public static TransferId DeriveFrom(Security.Principal caller, string key) => DeriveFrom($"{CommandId.ScopeOf(caller)}/{key}");

    public static bool TryParse(string? text, out TransferId id)
    {
        if (Guid.TryParse(text, out var guid) && guid != Guid.Empty)
        {
            id = new TransferId(guid);
            return true;
        }
        id = default;
        return false;
    }

    /// <summary>The command id of one step of this transfer: retries of a step are recognised by the account.</summary>
    public CommandId StepCommandId(string step) => CommandId.ForTransferStep(this, step);

    public override string ToString() => Value.ToString("D");
}
