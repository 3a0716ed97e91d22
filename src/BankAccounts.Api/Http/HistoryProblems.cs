using BankAccounts.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Http;

/// <summary>The problems of the history endpoints (as-of reads, balances, statements).</summary>
internal static partial class Problems
{
    /// <summary>The read model holds no such version (yet): it may be lagging, which <c>minVersion</c> waits out.</summary>
    public static ProblemHttpResult VersionNotFound(AccountId id, long version, long currentVersion) =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.VersionNotFound, "The account has no such version.",
            $"Account {id} is at version {currentVersion} in the read model; version {version} does not exist (yet). " +
            $"Add minVersion={version} to wait for it if you have just written it.",
            new Dictionary<string, object?> { ["currentVersion"] = currentVersion });

    public static ProblemHttpResult NotOpenedYet(AccountId id, DateTimeOffset asOf, DateTimeOffset openedAt) =>
        Problem(StatusCodes.Status404NotFound, ProblemTypes.AccountNotOpenedYet, "The account was not open yet.",
            $"Account {id} was opened at {openedAt:O}, after {asOf:O}.",
            new Dictionary<string, object?> { ["openedAt"] = openedAt });

    public static ProblemHttpResult NotAcceptable(string? accept, IEnumerable<string> offered) =>
        Problem(StatusCodes.Status406NotAcceptable, ProblemTypes.NotAcceptable, "No acceptable representation.",
            $"Accept '{accept}' matches none of the representations offered: {string.Join(", ", offered)}.");

    public static ProblemHttpResult StatementTooLarge(int maxEntries) =>
        Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.StatementTooLarge, "The period holds too many entries.",
            $"A statement holds at most {maxEntries} entries; ask for a shorter period (consecutive statements chain: one's closing balance is the next one's opening).",
            new Dictionary<string, object?> { ["maxEntries"] = maxEntries });
}
