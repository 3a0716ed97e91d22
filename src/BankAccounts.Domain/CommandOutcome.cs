namespace BankAccounts.Domain;

/// <summary>What the account answered to a command.</summary>
public abstract record CommandOutcome;

/// <summary>The command took effect; <paramref name="Version"/> is the account's version after it.</summary>
public sealed record CommandAccepted(long Version, decimal Balance) : CommandOutcome
{
    /// <summary>
    /// For an opening (also a retried one): the terms the account stored, so the caller needs no second
    /// question to learn them. Null for every other command; never part of what the account remembers.
    /// </summary>
    public AccountOpening? Opening { get; init; }
}

/// <summary>
/// The command was refused by a business rule and the refusal was recorded as an event
/// (so <paramref name="Version"/> rose too).
/// </summary>
public sealed record CommandDeclined(long Version, decimal Balance, DeclineReason Reason, string Detail) : CommandOutcome;

/// <summary>Why a command was declined (the refusal is recorded as an event).</summary>
public enum DeclineReason
{
    /// <summary>The withdrawal or transfer would take the balance below minus the overdraft limit.</summary>
    InsufficientFunds = 1,

    /// <summary>Only an account with a balance of exactly zero can be closed.</summary>
    NonZeroBalance = 2,

    /// <summary>Money sent or received by a transfer is still being settled.</summary>
    TransfersPending = 3,
}

/// <summary>The command was not acceptable at all; nothing was persisted.</summary>
public sealed record CommandRejected(RejectionReason Reason, IReadOnlyList<FieldError> Errors, long CurrentVersion) : CommandOutcome
{
    /// <summary>The errors' messages as one sentence, for logs and recorded failure details.</summary>
    public string Describe() => string.Join(" ", Errors.Select(e => e.Message));
}

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
