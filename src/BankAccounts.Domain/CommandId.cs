namespace BankAccounts.Domain;

/// <summary>
/// Caller-chosen identity of a command (the HTTP <c>Idempotency-Key</c>). Sending the same id
/// twice to an account yields the first outcome and persists nothing the second time.
/// </summary>
public readonly record struct CommandId(string Value)
{
    public const int MaxLength = 128;

    public static CommandId New() => new(Guid.NewGuid().ToString("N"));

    public static bool IsValid(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && value.Length <= MaxLength
        && value.All(c => c is >= '!' and <= '~');

    public override string ToString() => Value;
}
