using BankAccounts.Domain.Security;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Domain;

/// <summary>
/// The account decider: <see cref="Decide"/> turns a command into events, <see cref="Evolve"/>
/// applies one event. Both are pure; the clock is passed in.
/// </summary>
public static class Account
{
    public const int MaxOwnerLength = 200;
    public const int MaxReferenceLength = 140;

    /// <param name="remembered">
    /// What the command history holds for this command id, when the idempotency window no longer
    /// does (see <see cref="NeedsHistoryLookup"/>); null when it holds nothing.
    /// </param>
    public static Decision Decide(AccountState state, AccountCommand command, DateTimeOffset now, ProcessedCommand? remembered = null)
    {
        if (Precheck(state, command) is { } refused)
        {
            return refused;
        }
        if (state is AccountState.Opened account && (Recent(account, command.CommandId) ?? remembered) is { } known)
        {
            return IsSameRequest(account, known, command)
                ? WithOpening(new Decision(known.Outcome, [], state), command)
                : Reject(state, RejectionReason.CommandIdReused,
                    $"Command id '{command.CommandId}' was already used on this account for a different request.");
        }
        if (command.ExpectedVersion is { } expected && expected != state.Version)
        {
            return Reject(state, RejectionReason.VersionMismatch,
                $"Expected version {expected} but the account is at version {state.Version}.");
        }
        var decision = command switch
        {
            OpenAccount open => Open(state, open, now),
            DepositMoney deposit => Deposit(state, deposit, now),
            WithdrawMoney withdraw => Withdraw(state, withdraw, now),
            CloseAccount close => Close(state, close, now),
            DebitForTransfer debit => Debit(state, debit, now),
            CreditFromTransfer credit => Credit(state, credit, now),
            SettleTransfer settle => Settle(state, settle, now),
            RefundTransfer refund => Refund(state, refund, now),
            _ => Reject(state, RejectionReason.InvalidCommand, $"Unknown command {command.GetType().Name}."),
        };
        var metadata = new EventMetadata(command.Principal, command.TraceParent);
        return WithOpening(decision.Events.Count == 0
            ? decision
            : decision with { Events = [.. decision.Events.Select(e => e with { Metadata = metadata })] }, command);
    }

    /// <summary>An accepted opening, first or retried, answers with the terms the account holds (they never change).</summary>
    private static Decision WithOpening(Decision decision, AccountCommand command) =>
        command is OpenAccount && decision.Outcome is CommandAccepted accepted && decision.NewState is AccountState.Opened account
            ? decision with { Outcome = accepted with { Opening = new AccountOpening(account.Owner, account.Currency, account.OverdraftLimit) } }
            : decision;

    /// <summary>
    /// What is refused before anything about the account's past is looked at: a command for another
    /// account, an id outside its namespace, a caller who may not. The entity runs it before it asks
    /// the command history, so a caller who may not act costs the account nothing.
    /// </summary>
    public static Decision? Precheck(AccountState state, AccountCommand command)
    {
        if (command.AccountId != state.Id)
        {
            return Reject(state, RejectionReason.InvalidCommand, $"Command for account {command.AccountId} sent to account {state.Id}.");
        }
        if (!IsInItsNamespace(command))
        {
            return Reject(state, RejectionReason.InvalidCommand, $"Command id '{command.CommandId}' cannot be used for this command.");
        }
        return Authorize(state, command);
    }

    /// <summary>
    /// Whether <see cref="Decide"/> needs the command history's answer for this command: the window
    /// does not hold its id, and has already forgotten older commands that the history still keeps.
    /// </summary>
    public static bool NeedsHistoryLookup(AccountState state, AccountCommand command) =>
        state is AccountState.Opened account && account.RecentCommands.ForgottenThrough > 0 && Recent(account, command.CommandId) is null;

    /// <summary>The window's entry for this id, or for the id release 1 gave the same client key.</summary>
    private static ProcessedCommand? Recent(AccountState.Opened account, CommandId id) =>
        account.RecentCommands.TryGet(id, out var recent) ? recent
        : id.ReleaseOneForm is { } legacy && account.RecentCommands.TryGet(legacy, out var legacyRecent) ? legacyRecent
        : null;

    /// <summary>Client keys and transfer step ids never meet: a step carries exactly its own id, a client command never a step's.</summary>
    private static bool IsInItsNamespace(AccountCommand command) => command switch
    {
        DebitForTransfer debit => debit.CommandId == debit.TransferId.StepCommandId(Transfer.DebitStep),
        CreditFromTransfer credit => credit.CommandId == credit.TransferId.StepCommandId(Transfer.CreditStep),
        SettleTransfer settle => settle.CommandId == settle.TransferId.StepCommandId(Transfer.SettleStep)
            || settle.CommandId == settle.TransferId.StepCommandId(Transfer.SettleDestinationStep),
        RefundTransfer refund => refund.CommandId == refund.TransferId.StepCommandId(Transfer.RefundStep),
        _ => !command.CommandId.IsTransferStep,
    };

    /// <summary>
    /// Who may do what (<see cref="AccountAccess"/>), before anything else, so a caller who may not
    /// act learns nothing, not even a replayed outcome. Credit, settle and refund are steps of a
    /// transfer whose debit was authorized; they act for its requester.
    /// </summary>
    private static Decision? Authorize(AccountState state, AccountCommand command)
    {
        var ownerId = (state as AccountState.Opened)?.OwnerId;
        var verdict = command switch
        {
            OpenAccount open when state is AccountState.NotOpened =>
                AccountAccess.CheckOpening(command.Principal, open.CustomerId, open.OverdraftLimit),
            // Opening an account that exists: only who may see it learns that it does.
            OpenAccount => AccountAccess.Check(command.Principal, AccountAction.Read, ownerId),
            DepositMoney => AccountAccess.Check(command.Principal, AccountAction.Deposit, ownerId),
            WithdrawMoney => AccountAccess.Check(command.Principal, AccountAction.Withdraw, ownerId),
            CloseAccount => AccountAccess.Check(command.Principal, AccountAction.Close, ownerId),
            DebitForTransfer => AccountAccess.Check(command.Principal, AccountAction.TransferFrom, ownerId),
            // Credit, settle, refund: steps of a transfer whose debit was authorized, acting for its requester.
            _ => command.Principal.Role == Role.None ? AccessVerdict.Forbidden : AccessVerdict.Allowed,
        };
        return verdict switch
        {
            AccessVerdict.Allowed => null,
            AccessVerdict.NotFound => Reject(state, RejectionReason.AccountNotFound, $"Account {state.Id} does not exist."),
            _ => Reject(state, RejectionReason.Forbidden, $"A {command.Principal.RoleName()} may not {VerbOf(command)}."),
        };
    }

    private static string VerbOf(AccountCommand command) => command switch
    {
        OpenAccount { OverdraftLimit: > 0m } => "open this account with an overdraft",
        OpenAccount => "open an account for this customer",
        DepositMoney => "deposit money",
        WithdrawMoney => "withdraw money",
        CloseAccount => "close accounts",
        DebitForTransfer => "send transfers",
        _ => "do this",
    };

    /// <summary>Whether <paramref name="event"/> can come next in a stream at <paramref name="state"/>: an opening first, and only first.</summary>
    public static bool CanFollow(AccountState state, AccountEvent @event) => state is AccountState.NotOpened == @event is AccountOpened;

    /// <summary>
    /// Applies one event. A stream begins with its <see cref="AccountOpened"/> and holds no other
    /// (<see cref="CanFollow"/>), so the account is opened after any event; a stream that breaks this is corrupt and throws.
    /// </summary>
    public static AccountState.Opened Evolve(AccountState state, AccountEvent @event)
    {
        var applied = (state, @event) switch
        {
            (AccountState.NotOpened, AccountOpened opened) => new AccountState.Opened(
                state.Id, opened.Owner, opened.Currency, 0m, opened.OverdraftLimit, state.Version, opened.OccurredAt, opened.OccurredAt,
                RecentCommands.Empty, PendingTransfers.None, PendingTransfers.None)
            {
                OwnerId = opened.OwnerId,
                ChainHead = state.ChainHead,
            },
            (AccountState.Opened account, not AccountOpened) => Apply(account, @event),
            _ => throw new InvalidOperationException(
                $"Account {state.Id} at version {state.Version} ({state.Status}) cannot take a {@event.GetType().Name}: a stream begins with its one opening."),
        };
        applied = applied with { Version = state.Version + 1, UpdatedAt = @event.OccurredAt };
        return applied with { RecentCommands = applied.RecentCommands.Add(Processed(applied, @event)) };
    }

    private static AccountState.Opened Apply(AccountState.Opened account, AccountEvent @event) => @event switch
    {
        MoneyDeposited deposited => account with { Balance = account.Balance + deposited.Amount.Amount },
        MoneyWithdrawn withdrawn => account with { Balance = account.Balance - withdrawn.Amount.Amount },
        WithdrawalDeclined or AccountClosureDeclined or TransferDebitDeclined => account,
        TransferDebited debited => account with
        {
            Balance = account.Balance - debited.Amount.Amount,
            PendingTransfers = account.PendingTransfers.Add(debited.TransferId, debited.Amount),
        },
        TransferCredited credited => account with
        {
            Balance = account.Balance + credited.Amount.Amount,
            PendingCredits = account.PendingCredits.Add(credited.TransferId, credited.Amount),
        },
        // The same event settles the source (money gone) and the destination (credit confirmed).
        TransferSettled settled => account with
        {
            PendingTransfers = account.PendingTransfers.Remove(settled.TransferId),
            PendingCredits = account.PendingCredits.Remove(settled.TransferId),
        },
        TransferRefunded refunded => account with
        {
            Balance = account.Balance + refunded.Amount.Amount,
            PendingTransfers = account.PendingTransfers.Remove(refunded.TransferId),
        },
        AccountClosed => account with { IsClosed = true },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "Unknown account event."),
    };

    /// <summary>Current state is the left fold of the stream (used for recovery checks and audits).</summary>
    public static AccountState Replay(AccountId id, IEnumerable<AccountEvent> events) =>
        events.Aggregate(AccountState.Initial(id), Evolve);

    private static Decision Open(AccountState state, OpenAccount command, DateTimeOffset now)
    {
        if (state is not AccountState.NotOpened)
        {
            return Reject(state, RejectionReason.AccountAlreadyExists, $"Account {state.Id} already exists.");
        }
        var owner = command.Owner?.Trim() ?? string.Empty;
        var errors = new List<FieldError>(FieldRules.Owner(owner));
        if (!Currency.TryFind(command.Currency, out var currency))
        {
            errors.Add(FieldRules.UnsupportedCurrency());
        }
        else
        {
            errors.AddRange(FieldRules.NonNegativeAmount(command.OverdraftLimit, currency, "overdraftLimit"));
        }
        var ownerId = command.CustomerId ?? (command.Principal.Role == Role.Customer ? command.Principal.Subject : null);
        errors.AddRange(FieldRules.CustomerId(ownerId));
        if (errors.Count > 0 || currency is null)
        {
            return Reject(state, RejectionReason.InvalidCommand, [.. errors]);
        }
        return Accept(state, new AccountOpened(
            state.Id, owner, currency, Money.Normalize(command.OverdraftLimit, currency), command.CommandId, now) { OwnerId = ownerId });
    }

    private static Decision Deposit(AccountState state, DepositMoney command, DateTimeOffset now) =>
        WhenMovable(state, command.Amount, command.Currency, command.Reference, account =>
            Accept(account, new MoneyDeposited(AmountIn(account, command.Amount), NormalizeReference(command.Reference), command.CommandId, now)));

    private static Decision Withdraw(AccountState state, WithdrawMoney command, DateTimeOffset now) =>
        WhenMovable(state, command.Amount, command.Currency, command.Reference, account =>
        {
            var amount = AmountIn(account, command.Amount);
            var reference = NormalizeReference(command.Reference);
            return CannotPay(account, amount)
                ? Accept(account, new WithdrawalDeclined(
                    amount, account.Available, WithdrawalDeclineReason.InsufficientFunds, reference, command.CommandId, now))
                : Accept(account, new MoneyWithdrawn(amount, reference, command.CommandId, now));
        });

    private static Decision Close(AccountState state, CloseAccount command, DateTimeOffset now) =>
        WhenOpen(state, account =>
            account.PendingTransfers.Count > 0 || account.PendingCredits.Count > 0
                ? Accept(account, new AccountClosureDeclined(ClosureDeclineReason.TransfersPending, account.Balance, command.CommandId, now))
            : account.Balance != 0m
                ? Accept(account, new AccountClosureDeclined(ClosureDeclineReason.NonZeroBalance, account.Balance, command.CommandId, now))
            : Accept(account, new AccountClosed(command.CommandId, now)));

    private static Decision Debit(AccountState state, DebitForTransfer command, DateTimeOffset now) =>
        command.CreditAccountId == state.Id
            ? Reject(state, RejectionReason.InvalidCommand, "A transfer needs two different accounts.")
            : WhenMovable(state, command.Amount, null, command.Reference, account =>
            {
                if (RepeatIfPending(account, account.PendingTransfers, command.TransferId, command.Amount, "debited") is { } repeat)
                {
                    return repeat;
                }
                var amount = AmountIn(account, command.Amount);
                var reference = NormalizeReference(command.Reference);
                return CannotPay(account, amount)
                    ? Accept(account, new TransferDebitDeclined(command.TransferId, command.CreditAccountId, amount, account.Available,
                        WithdrawalDeclineReason.InsufficientFunds, reference, command.CommandId, now))
                    : Accept(account, new TransferDebited(command.TransferId, command.CreditAccountId, amount, reference, command.CommandId, now));
            });

    private static Decision Credit(AccountState state, CreditFromTransfer command, DateTimeOffset now) =>
        WhenMovable(state, command.Amount.Amount, command.Amount.Currency.Code, command.Reference, account =>
            RepeatIfPending(account, account.PendingCredits, command.TransferId, command.Amount.Amount, "credited")
            ?? Accept(account, new TransferCredited(
                command.TransferId, command.DebitAccountId, command.Amount, NormalizeReference(command.Reference), command.CommandId, now)));

    /// <summary>
    /// A debit or credit resent after the idempotency window forgot its command id: the transfer is
    /// still pending on this account, so it is answered as done and never applied twice.
    /// </summary>
    private static Decision? RepeatIfPending(AccountState.Opened account, PendingTransfers pending, TransferId transferId, decimal amount, string done) =>
        !pending.TryGet(transferId, out var recorded) ? null
        : recorded.Amount == amount ? new Decision(new CommandAccepted(account.Version, account.Balance), [], account)
        : Reject(account, RejectionReason.CommandIdReused, $"Transfer {transferId} was already {done} with {recorded}.");

    /// <summary>Settles a transfer on its source (the money arrived) or on its destination (the credit is confirmed).</summary>
    private static Decision Settle(AccountState state, SettleTransfer command, DateTimeOffset now) =>
        state is AccountState.Opened account
        && (account.PendingTransfers.TryGet(command.TransferId, out _) || account.PendingCredits.TryGet(command.TransferId, out _))
            ? Accept(account, new TransferSettled(command.TransferId, command.CommandId, now))
            : NotPending(state, command.TransferId);

    private static Decision Refund(AccountState state, RefundTransfer command, DateTimeOffset now)
    {
        if (state is not AccountState.Opened account || !account.PendingTransfers.TryGet(command.TransferId, out var amount))
        {
            return NotPending(state, command.TransferId);
        }
        var reason = string.IsNullOrWhiteSpace(command.Reason) ? "unspecified" : command.Reason.Trim();
        return Accept(account, new TransferRefunded(command.TransferId, amount, reason, command.CommandId, now));
    }

    private static Decision NotPending(AccountState state, TransferId transferId) =>
        Reject(state, RejectionReason.InvalidCommand, $"Transfer {transferId} is not pending on account {state.Id}.");

    /// <summary>
    /// Checks shared by deposits, withdrawals and transfer legs, in the order a caller can act on: malformed
    /// input first, then the account's existence and status, then rules that need the currency; then
    /// <paramref name="decide"/> on the open account.
    /// </summary>
    private static Decision WhenMovable(
        AccountState state, decimal amount, string? currency, string? reference, Func<AccountState.Opened, Decision> decide)
    {
        FieldError[] malformed = [.. FieldRules.PositiveAmountShape(amount), .. FieldRules.Reference(reference), .. FieldRules.OptionalCurrency(currency)];
        return malformed.Length > 0
            ? Reject(state, RejectionReason.InvalidCommand, malformed)
            : WhenOpen(state, account =>
            {
                var errors = new List<FieldError>();
                if (currency is not null && currency != account.Currency.Code)
                {
                    errors.Add(new("currency", FieldErrorCodes.CurrencyMismatch, $"'currency' {currency} does not match the account currency {account.Currency.Code}."));
                }
                errors.AddRange(FieldRules.PositiveAmount(amount, account.Currency));
                return errors.Count > 0 ? Reject(account, RejectionReason.InvalidCommand, [.. errors]) : decide(account);
            });
    }

    /// <summary><paramref name="decide"/> on the account if it is open; refused if it was never opened or is closed.</summary>
    private static Decision WhenOpen(AccountState state, Func<AccountState.Opened, Decision> decide) => state switch
    {
        AccountState.Opened { IsClosed: false } account => decide(account),
        AccountState.Opened => Reject(state, RejectionReason.AccountClosed, $"Account {state.Id} is closed."),
        _ => Reject(state, RejectionReason.AccountNotFound, $"Account {state.Id} does not exist."),
    };

    private static Money AmountIn(AccountState.Opened account, decimal amount) => new(Money.Normalize(amount, account.Currency), account.Currency);

    /// <summary>Whether paying <paramref name="amount"/> would take the balance below minus the overdraft limit.</summary>
    private static bool CannotPay(AccountState.Opened account, Money amount) => account.Balance - amount.Amount < -account.OverdraftLimit;

    private static string? NormalizeReference(string? reference) =>
        string.IsNullOrWhiteSpace(reference) ? null : reference.Trim();

    private static Decision Accept(AccountState state, AccountEvent @event)
    {
        var newState = Evolve(state, @event);
        return new Decision(OutcomeOf(newState, @event), [@event], newState);
    }

    private static Decision Reject(AccountState state, RejectionReason reason, params FieldError[] errors) =>
        new(new CommandRejected(reason, errors, state.Version), [], state);

    private static Decision Reject(AccountState state, RejectionReason reason, string message) =>
        Reject(state, reason, FieldError.General(CodeOf(reason), message));

    /// <summary>The error code of a refusal that concerns no single field.</summary>
    internal static string CodeOf(RejectionReason reason) => reason switch
    {
        RejectionReason.InvalidCommand => FieldErrorCodes.Invalid,
        RejectionReason.AccountNotFound => "account_not_found",
        RejectionReason.AccountAlreadyExists => "account_exists",
        RejectionReason.AccountClosed => "account_closed",
        RejectionReason.VersionMismatch => "version_mismatch",
        RejectionReason.CommandIdReused => "command_id_reused",
        RejectionReason.Forbidden => "forbidden",
        _ => FieldErrorCodes.Invalid,
    };

    /// <summary>The answer the command that caused <paramref name="event"/> got, given the state right after it.</summary>
    private static CommandOutcome OutcomeOf(AccountState.Opened after, AccountEvent @event) => OutcomeOf(after.Version, after.Balance, after.Currency, @event);

    private static CommandOutcome OutcomeOf(long version, decimal balance, Currency currency, AccountEvent @event) => @event switch
    {
        WithdrawalDeclined declined => new CommandDeclined(version, balance, DeclineReason.InsufficientFunds,
            $"Withdrawal of {declined.Requested} declined: only {declined.Available} {declined.Requested.Currency.Code} available including the overdraft."),
        TransferDebitDeclined declined => new CommandDeclined(version, balance, DeclineReason.InsufficientFunds,
            $"Transfer of {declined.Requested} declined: only {declined.Available} {declined.Requested.Currency.Code} available including the overdraft."),
        AccountClosureDeclined { Reason: ClosureDeclineReason.TransfersPending } => new CommandDeclined(version, balance,
            DeclineReason.TransfersPending, "The account cannot be closed while a transfer it sent or received is still being settled."),
        AccountClosureDeclined declined => new CommandDeclined(version, balance, DeclineReason.NonZeroBalance,
            $"The account cannot be closed while its balance is {declined.Balance} {currency.Code}; it must be zero."),
        _ => new CommandAccepted(version, balance),
    };

    private static ProcessedCommand Processed(AccountState.Opened after, AccountEvent @event) =>
        Remembered(@event, after.Version, after.Balance, after.Currency);

    /// <summary>
    /// What the idempotency window (and the command history behind it) remembers of the command that
    /// caused <paramref name="event"/>, given the account's version, balance and currency right after it.
    /// </summary>
    public static ProcessedCommand Remembered(AccountEvent @event, long version, decimal balance, Currency currency)
    {
        var outcome = OutcomeOf(version, balance, currency, @event);
        return @event switch
        {
            AccountOpened opened => new(@event.CommandId, CommandKind.OpenAccount, opened.OverdraftLimit, OpeningDetails(opened.Owner, opened.Currency.Code), outcome),
            MoneyDeposited deposited => new(@event.CommandId, CommandKind.DepositMoney, deposited.Amount.Amount, deposited.Reference, outcome),
            MoneyWithdrawn withdrawn => new(@event.CommandId, CommandKind.WithdrawMoney, withdrawn.Amount.Amount, withdrawn.Reference, outcome),
            WithdrawalDeclined declined => new(@event.CommandId, CommandKind.WithdrawMoney, declined.Requested.Amount, declined.Reference, outcome),
            AccountClosed or AccountClosureDeclined => new(@event.CommandId, CommandKind.CloseAccount, 0m, null, outcome),
            TransferDebited debited => new(@event.CommandId, CommandKind.DebitForTransfer, debited.Amount.Amount, debited.TransferId.ToString(), outcome),
            TransferDebitDeclined declined => new(@event.CommandId, CommandKind.DebitForTransfer, declined.Requested.Amount, declined.TransferId.ToString(), outcome),
            TransferCredited credited => new(@event.CommandId, CommandKind.CreditFromTransfer, credited.Amount.Amount, credited.TransferId.ToString(), outcome),
            TransferSettled settled => new(@event.CommandId, CommandKind.SettleTransfer, 0m, settled.TransferId.ToString(), outcome),
            TransferRefunded refunded => new(@event.CommandId, CommandKind.RefundTransfer, 0m, refunded.TransferId.ToString(), outcome),
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "Unknown account event."),
        };
    }

    /// <summary>A genuine retry repeats the request exactly (up to normalisation); anything else reuses the id.</summary>
    private static bool IsSameRequest(AccountState.Opened account, ProcessedCommand processed, AccountCommand command) => command switch
    {
        OpenAccount open => processed.Kind == CommandKind.OpenAccount
            && processed.Amount == open.OverdraftLimit
            && processed.Details == OpeningDetails(open.Owner?.Trim() ?? string.Empty, open.Currency)
            && (open.CustomerId is null || open.CustomerId == account.OwnerId),
        DepositMoney deposit => processed.Kind == CommandKind.DepositMoney
            && IsSameMovement(account, processed, deposit.Amount, deposit.Currency, deposit.Reference),
        WithdrawMoney withdraw => processed.Kind == CommandKind.WithdrawMoney
            && IsSameMovement(account, processed, withdraw.Amount, withdraw.Currency, withdraw.Reference),
        CloseAccount => processed.Kind == CommandKind.CloseAccount,
        DebitForTransfer debit => processed.Kind == CommandKind.DebitForTransfer
            && processed.Amount == debit.Amount && processed.Details == debit.TransferId.ToString(),
        CreditFromTransfer credit => processed.Kind == CommandKind.CreditFromTransfer
            && processed.Amount == credit.Amount.Amount && processed.Details == credit.TransferId.ToString(),
        SettleTransfer settle => processed.Kind == CommandKind.SettleTransfer && processed.Details == settle.TransferId.ToString(),
        RefundTransfer refund => processed.Kind == CommandKind.RefundTransfer && processed.Details == refund.TransferId.ToString(),
        _ => false,
    };

    private static bool IsSameMovement(AccountState.Opened account, ProcessedCommand processed, decimal amount, string? currency, string? reference) =>
        processed.Amount == amount
        && (currency is null || currency == account.Currency.Code)
        && processed.Details == NormalizeReference(reference);

    private static string OpeningDetails(string owner, string currency) => owner + "|" + currency;
}
