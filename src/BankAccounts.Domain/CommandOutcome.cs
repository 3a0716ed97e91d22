namespace BankAccounts.Domain;

/// <summary>What the account answered to a command.</summary>
public abstract record CommandOutcome;

/// <summary>The command took effect; <paramref name="Version"/> is the account's version after it.</summary>
public sealed record CommandAccepted(long Version, decimal Balance) : CommandOutcome;

/// <summary>
/// The command was refused by a business rule and the refusal was recorded as an event
/// (so <paramref name="Version"/> rose too).
/// </summary>
public sealed record CommandDeclined(long Version, decimal Balance, string Reason, string Detail) : CommandOutcome;

/// <summary>The command was not acceptable at all; nothing was persisted.</summary>
public sealed record CommandRejected(RejectionReason Reason, IReadOnlyList<string> Errors, long CurrentVersion) : CommandOutcome;

public enum RejectionReason
{
    /// <summary>Malformed input: bad amount, unknown or wrong currency, empty owner…</summary>
    InvalidCommand = 1,
    AccountNotFound = 2,
    AccountAlreadyExists = 3,
    AccountClosed = 4,
    /// <summary>The caller's expected version is not the account's version.</summary>
    VersionMismatch = 5,
    /// <summary>The command id was already used for a different command on this account.</summary>
    CommandIdReused = 6,
    /// <summary>The caller's role may never do this (a customer acting on another's account gets <see cref="AccountNotFound"/> instead).</summary>
    Forbidden = 7,
}
