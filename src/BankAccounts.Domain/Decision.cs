namespace BankAccounts.Domain;

/// <summary>
/// The result of deciding a command: the outcome to answer, the events to persist (none for a
/// rejection or a recognised retry), and the state once those events are applied.
/// </summary>
public sealed record Decision(CommandOutcome Outcome, IReadOnlyList<AccountEvent> Events, AccountState NewState);
