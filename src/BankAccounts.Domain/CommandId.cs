using System.Security.Cryptography;
using System.Text;
using BankAccounts.Domain.Security;

namespace BankAccounts.Domain;

/// <summary>
/// Identity of a command; sending the same id twice to an account yields the first outcome and
/// persists nothing the second time. Two namespaces that never meet: a client's key
/// (<see cref="ForCaller"/>, scoped to the caller, so two clients choosing the same key never
/// collide) and a transfer step's id (<see cref="ForTransferStep"/>), which only the transfer
/// process issues and which <see cref="Account.Decide"/> accepts on its own step only.
/// </summary>
public readonly record struct CommandId(string Value)
{
    /// <summary>The longest key a client may choose (the HTTP <c>Idempotency-Key</c>).</summary>
    public const int MaxLength = 128;

    private const string TransferStepPrefix = "transfer:";
    private const string CallerPrefix = "key:";

    /// <summary>A fresh id outside both namespaces' reach (internal tools and tests).</summary>
    public static CommandId New() => new(Guid.NewGuid().ToString("N"));

    /// <summary>The id of a client's key: <c>key:{caller scope}:{key}</c>.</summary>
    public static CommandId ForCaller(Principal caller, string key) => new($"{CallerPrefix}{ScopeOf(caller)}:{key}");

    public static CommandId ForTransferStep(TransferId transfer, string step) => new($"{TransferStepPrefix}{transfer.Value:N}:{step}");

    /// <summary>
    /// The id release 1 gave the same client key (the bare key, before keys were scoped to their
    /// caller), so a request sent before the upgrade and retried after it is still recognised;
    /// null for an id that is not a client key.
    /// </summary>
    public CommandId? ReleaseOneForm
    {
        get
        {
            if (!Value.StartsWith(CallerPrefix, StringComparison.Ordinal))
            {
                return null;
            }
            var keyStart = Value.IndexOf(':', CallerPrefix.Length);
            var bare = keyStart < 0 ? null : Value[(keyStart + 1)..];
            // A key that spells out another namespace's id (another caller's, a transfer step's) is just a key.
            return bare is null || bare.StartsWith(CallerPrefix, StringComparison.Ordinal) || bare.StartsWith(TransferStepPrefix, StringComparison.Ordinal)
                ? null
                : new CommandId(bare);
        }
    }

    /// <summary>Whether this id belongs to the transfer steps' namespace (clients can never produce one).</summary>
    public bool IsTransferStep => Value.StartsWith(TransferStepPrefix, StringComparison.Ordinal);

    /// <summary>A client key as the API accepts it: 1 to <see cref="MaxLength"/> printable ASCII characters, no spaces.</summary>
    public static bool IsValid(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && value.Length <= MaxLength
        && value.All(c => c is >= '!' and <= '~');

    /// <summary>
    /// 128 bits of the caller's subject: keys and the ids derived from them (accounts, transfers)
    /// are the caller's own, without writing the subject itself into every id.
    /// </summary>
    public static string ScopeOf(Principal caller) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("bankaccounts/caller/" + caller.Subject)).AsSpan(0, 16));

    public override string ToString() => Value;
}
