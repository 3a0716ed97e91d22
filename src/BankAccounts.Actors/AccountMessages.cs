using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>Messages the account entity understands besides <see cref="AccountCommand"/>s.</summary>
public static class AccountMessages
{
    /// <summary>Asks what others may know of the account; answered, once durable, with an <see cref="AccountView"/>.</summary>
    public sealed record GetAccountView(AccountId AccountId);

    /// <summary>
    /// Asks for the account's whole durable state, idempotency window and pending transfers included; answered
    /// with an <see cref="AccountState"/>. For recovery checks and diagnostics (specs, benchmarks), not for
    /// other components: they ask <see cref="GetAccountView"/>.
    /// </summary>
    public sealed record GetAccountState(AccountId AccountId);

    /// <summary>
    /// Sent by sharding on passivation and hand-off: the entity stops once its in-flight writes
    /// are durable and answered, so no acknowledged command is lost when an account moves.
    /// </summary>
    public sealed record StopAccount
    {
        public static readonly StopAccount Instance = new();
    }
}
