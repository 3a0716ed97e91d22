namespace BankAccounts.Domain.Security;

/// <summary>Everything a principal can do to or learn about one account.</summary>
public enum AccountAction
{
    Open = 1,
    Deposit = 2,
    Withdraw = 3,
    Close = 4,
    /// <summary>The account, its transactions, events, transfers.</summary>
    Read = 5,
    /// <summary>Send money from this account by a transfer.</summary>
    TransferFrom = 6,
}

public enum AccessVerdict
{
    Allowed = 1,

    /// <summary>Answered exactly like a missing account, so a customer learns nothing of accounts that are not theirs.</summary>
    NotFound = 2,

    /// <summary>The role may never do this, whatever the account.</summary>
    Forbidden = 3,
}

/// <summary>
/// Who may do what to an account: one rule for commands (<see cref="Account.Decide"/>) and queries
/// (the API asks it with the owner the read model holds).
/// </summary>
public static class AccountAccess
{
    /// <param name="ownerId">The owning customer's subject; null for a missing account or one opened before owners were recorded.</param>
    public static AccessVerdict Check(Principal principal, AccountAction action, string? ownerId) => principal.Role switch
    {
        Role.Customer when action == AccountAction.Open => AccessVerdict.Allowed, // its own: the opening names the principal as owner
        Role.Customer => ownerId == principal.Subject ? AccessVerdict.Allowed : AccessVerdict.NotFound,
        Role.Teller => action is AccountAction.Open or AccountAction.Deposit or AccountAction.Withdraw or AccountAction.Read
            ? AccessVerdict.Allowed : AccessVerdict.Forbidden,
        Role.Auditor or Role.Admin => action == AccountAction.Read ? AccessVerdict.Allowed : AccessVerdict.Forbidden,
        Role.System => AccessVerdict.Allowed,
        _ => AccessVerdict.Forbidden,
    };

    /// <summary>
    /// Whether the principal may open an account owned by <paramref name="customerId"/> (null: the
    /// principal itself) with that overdraft: a customer opens for itself and cannot grant itself
    /// credit; a teller opens for a named customer.
    /// </summary>
    public static AccessVerdict CheckOpening(Principal principal, string? customerId, decimal overdraftLimit) => principal.Role switch
    {
        Role.Customer => (customerId ?? principal.Subject) == principal.Subject && overdraftLimit == 0m ? AccessVerdict.Allowed : AccessVerdict.Forbidden,
        // Separation of duties: a teller never opens (and so never owns) an account under its own subject.
        Role.Teller => customerId is not null && customerId != principal.Subject ? AccessVerdict.Allowed : AccessVerdict.Forbidden,
        Role.System => AccessVerdict.Allowed,
        _ => AccessVerdict.Forbidden,
    };

    /// <summary>Only customers send money (from their own accounts, checked when the source is debited).</summary>
    public static AccessVerdict CheckTransferRequest(Principal principal) =>
        principal.Role is Role.Customer or Role.System ? AccessVerdict.Allowed : AccessVerdict.Forbidden;
}
