using BankAccounts.Domain;

namespace BankAccounts.Domain.Tests;

internal static class RejectionMessages
{
    /// <summary>The rejection's messages, for specs that check the wording people read.</summary>
    public static IReadOnlyList<string> Messages(this CommandRejected rejected) => [.. rejected.Errors.Select(e => e.Message)];
}
