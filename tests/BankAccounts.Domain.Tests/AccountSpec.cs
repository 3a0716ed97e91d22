using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Domain.Tests;

/// <summary>
/// Given/When/Then over the pure decider: the history is replayed with <see cref="Account.Replay"/>,
/// the command decided with <see cref="Account.Decide"/> at the fixed clock <see cref="Now"/>.
/// </summary>
public static class AccountSpec
{
    public static readonly AccountId Id = AccountId.DeriveFrom("domain-spec-account");
    public static readonly AccountId OtherId = AccountId.DeriveFrom("domain-spec-other-account");
    public static readonly DateTimeOffset Earlier = new(2025, 1, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);
    public const string Owner = "Ada Lovelace";
    public static readonly TransferId SomeTransfer = TransferId.DeriveFrom("domain-spec-transfer");
    public static readonly TransferId OtherTransfer = TransferId.DeriveFrom("domain-spec-other-transfer");

    public static GivenHistory Given(params AccountEvent[] history) => new(history);

    // Commands. Each gets a fresh command id unless the test needs to reuse one.

    public static OpenAccount Open(
        string owner = Owner, string currency = "EUR", decimal overdraft = 0m, CommandId? id = null, long? expectedVersion = null) =>
        new(Id, id ?? CommandId.New(), owner, currency, overdraft, expectedVersion) { Principal = Security.Principal.System };

    public static DepositMoney Deposit(
        decimal amount, string? currency = null, string? reference = null, CommandId? id = null, long? expectedVersion = null) =>
        new(Id, id ?? CommandId.New(), amount, currency, reference, expectedVersion) { Principal = Security.Principal.System };

    public static WithdrawMoney Withdraw(
        decimal amount, string? currency = null, string? reference = null, CommandId? id = null, long? expectedVersion = null) =>
        new(Id, id ?? CommandId.New(), amount, currency, reference, expectedVersion) { Principal = Security.Principal.System };

    public static CloseAccount Close(CommandId? id = null, long? expectedVersion = null) =>
        new(Id, id ?? CommandId.New(), expectedVersion) { Principal = Security.Principal.System };

    /// <summary>Transfer steps sent to this account; the other side of the transfer is <see cref="OtherId"/>.</summary>
    public static DebitForTransfer Debit(
        decimal amount, TransferId? transfer = null, AccountId? to = null, string? reference = null, CommandId? id = null, long? expectedVersion = null) =>
        new(Id, id ?? (transfer ?? SomeTransfer).StepCommandId(Transfer.DebitStep), transfer ?? SomeTransfer, to ?? OtherId, amount, reference, expectedVersion) { Principal = Security.Principal.System };

    public static CreditFromTransfer Credit(
        decimal amount, string currency = "EUR", TransferId? transfer = null, string? reference = null, CommandId? id = null) =>
        new(Id, id ?? (transfer ?? SomeTransfer).StepCommandId(Transfer.CreditStep), transfer ?? SomeTransfer, OtherId, new Money(amount, Currency.Find(currency)), reference) { Principal = Security.Principal.System };

    public static SettleTransfer Settle(TransferId? transfer = null, CommandId? id = null) =>
        new(Id, id ?? (transfer ?? SomeTransfer).StepCommandId(Transfer.SettleStep), transfer ?? SomeTransfer) { Principal = Security.Principal.System };

    public static RefundTransfer Refund(TransferId? transfer = null, string reason = "AccountClosed", CommandId? id = null) =>
        new(Id, id ?? (transfer ?? SomeTransfer).StepCommandId(Transfer.RefundStep), transfer ?? SomeTransfer, reason) { Principal = Security.Principal.System };

    // Past events, as they would sit in the journal.

    public static AccountOpened Opened(string currency = "EUR", decimal overdraft = 0m, CommandId? id = null) =>
        new(Id, Owner, Currency.Find(currency), overdraft, id ?? CommandId.New(), Earlier);

    public static MoneyDeposited Deposited(decimal amount, string currency = "EUR", CommandId? id = null) =>
        new(new Money(amount, Currency.Find(currency)), null, id ?? CommandId.New(), Earlier);

    public static MoneyWithdrawn Withdrawn(decimal amount, string currency = "EUR", CommandId? id = null) =>
        new(new Money(amount, Currency.Find(currency)), null, id ?? CommandId.New(), Earlier);

    public static WithdrawalDeclined DeclinedWithdrawal(decimal requested, decimal available, CommandId? id = null) =>
        new(new Money(requested, Currency.EUR), available, WithdrawalDeclineReason.InsufficientFunds, null, id ?? CommandId.New(), Earlier);

    public static AccountClosureDeclined DeclinedClosure(decimal balance, CommandId? id = null) =>
        new(ClosureDeclineReason.NonZeroBalance, balance, id ?? CommandId.New(), Earlier);

    public static AccountClosed Closed(CommandId? id = null) => new(id ?? CommandId.New(), Earlier);

    public static TransferDebited Debited(decimal amount, TransferId? transfer = null, CommandId? id = null) =>
        new(transfer ?? SomeTransfer, OtherId, new Money(amount, Currency.EUR), null, id ?? CommandId.New(), Earlier);

    public static TransferDebitDeclined DeclinedDebit(decimal requested, decimal available, TransferId? transfer = null, CommandId? id = null) =>
        new(transfer ?? SomeTransfer, OtherId, new Money(requested, Currency.EUR), available, WithdrawalDeclineReason.InsufficientFunds, null,
            id ?? CommandId.New(), Earlier);

    public static TransferCredited Credited(decimal amount, TransferId? transfer = null, CommandId? id = null) =>
        new(transfer ?? SomeTransfer, OtherId, new Money(amount, Currency.EUR), null, id ?? CommandId.New(), Earlier);

    public static TransferSettled Settled(TransferId? transfer = null, CommandId? id = null) =>
        new(transfer ?? SomeTransfer, id ?? CommandId.New(), Earlier);

    public static TransferRefunded Refunded(decimal amount, TransferId? transfer = null, CommandId? id = null) =>
        new(transfer ?? SomeTransfer, new Money(amount, Currency.EUR), "AccountClosed", id ?? CommandId.New(), Earlier);

    /// <summary>
    /// Structural equality for states. <see cref="RecentCommands"/> is a class without value
    /// equality, so the window is compared by its ordered contents.
    /// </summary>
    public static void AssertSameState(AccountState expected, AccountState actual)
    {
        if (expected is not AccountState.Opened opened)
        {
            Assert.Equal(expected, actual);
            return;
        }
        var other = actual.AsOpened();
        Assert.Equal(opened with { RecentCommands = RecentCommands.Empty }, other with { RecentCommands = RecentCommands.Empty });
        Assert.Equal(opened.RecentCommands.Count, other.RecentCommands.Count);
        Assert.Equal(opened.RecentCommands.InOrder, other.RecentCommands.InOrder);
    }

    /// <summary>The state of an account the spec opened (fails the spec if it never was).</summary>
    public static AccountState.Opened AsOpened(this AccountState state) => Assert.IsType<AccountState.Opened>(state);
}

public sealed class GivenHistory(IReadOnlyList<AccountEvent> history)
{
    public AccountState State => Account.Replay(AccountSpec.Id, history);

    public ThenDecision When(AccountCommand command)
    {
        var before = State;
        // Commands nobody attributed act as the system: these specs are about money rules (AccessSpecs: who may).
        var attributed = command.Principal == Security.Principal.Anonymous ? command with { Principal = Security.Principal.System } : command;
        return new ThenDecision(history, before, Account.Decide(before, attributed, AccountSpec.Now));
    }
}

public sealed class ThenDecision(IReadOnlyList<AccountEvent> history, AccountState before, Decision decision)
{
    public AccountState Before => before;

    public Decision Decision => decision;

    /// <summary>The history with this decision's events appended, to decide a next command on it.</summary>
    public GivenHistory Continue() => new([.. history, .. decision.Events]);

    /// <summary>Exactly one event of type <typeparamref name="TEvent"/>, stamped with the spec clock.</summary>
    public TEvent ThenEmits<TEvent>() where TEvent : AccountEvent
    {
        var @event = Assert.IsType<TEvent>(Assert.Single(decision.Events));
        Assert.Equal(AccountSpec.Now, @event.OccurredAt);
        Assert.Equal(before.Version + 1, decision.NewState.Version);
        // The new state is always what a replay of the stream would give.
        AccountSpec.AssertSameState(Account.Replay(AccountSpec.Id, [.. history, .. decision.Events]), decision.NewState);
        return @event;
    }

    public CommandAccepted ThenAccepted()
    {
        var accepted = Assert.IsType<CommandAccepted>(decision.Outcome);
        Assert.Equal(decision.NewState.Version, accepted.Version);
        Assert.Equal(decision.NewState.AsOpened().Balance, accepted.Balance);
        return accepted;
    }

    public CommandDeclined ThenDeclined(DeclineReason reason)
    {
        var declined = Assert.IsType<CommandDeclined>(decision.Outcome);
        Assert.Equal(reason, declined.Reason);
        Assert.Equal(decision.NewState.Version, declined.Version);
        Assert.Equal(decision.NewState.AsOpened().Balance, declined.Balance);
        return declined;
    }

    /// <summary>A rejection persists nothing and leaves the state exactly as it was.</summary>
    public CommandRejected ThenRejects(RejectionReason reason)
    {
        var rejected = Assert.IsType<CommandRejected>(decision.Outcome);
        Assert.Equal(reason, rejected.Reason);
        Assert.NotEmpty(rejected.Messages());
        Assert.Equal(before.Version, rejected.CurrentVersion);
        Assert.Empty(decision.Events);
        AccountSpec.AssertSameState(before, decision.NewState);
        return rejected;
    }

    /// <summary>A recognised retry: the given outcome again, and nothing new to persist.</summary>
    public void ThenRepeats(CommandOutcome original)
    {
        Assert.Equal(original, decision.Outcome);
        Assert.Empty(decision.Events);
        AccountSpec.AssertSameState(before, decision.NewState);
    }
}
