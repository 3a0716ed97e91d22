using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>Messages the account entity understands besides <see cref="AccountCommand"/>s.</summary>
public static class AccountMessages
{
    /// <summary>Asks for the account's durable state; answered with an <see cref="AccountState"/>.</summary>
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
