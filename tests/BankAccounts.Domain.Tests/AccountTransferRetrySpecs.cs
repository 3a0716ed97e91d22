using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

/// <summary>The account side of a transfer step sent again: recognised and answered as the first time, never applied twice.</summary>
public sealed class AccountTransferRetrySpecs
{
    private static readonly CommandId Key = new("transfer-step-key-1");
    private static readonly TransferId IncomingTransfer = TransferId.DeriveFrom("domain-spec-incoming-transfer");

    // Idempotency of transfer steps

    [Fact]
    public void Should_repeat_a_retried_debit_without_taking_the_money_twice()
    {
        var first = Given(Opened(), Deposited(100m)).When(Debit(40m));
        var original = first.ThenAccepted();

        var then = first.Continue().When(Debit(40m));

        then.ThenRepeats(original);
        Assert.Equal(60m, then.Decision.NewState.AsOpened().Balance);
        Assert.Equal(40m, then.Decision.NewState.AsOpened().PendingTransfers.Total);
    }

    [Fact]
    public void Should_recognise_a_debit_retried_with_the_amount_written_at_another_scale()
    {
        Given(Opened(), Deposited(100m)).When(Debit(40.5m))
            .Continue().When(Debit(40.500m))
            .ThenRepeats(new CommandAccepted(3L, 59.5m));
    }

    [Fact]
    public void Should_repeat_a_declined_debit_even_once_funds_are_sufficient()
    {
        var first = Given(Opened()).When(Debit(50m));
        var original = first.ThenDeclined(DeclineReason.InsufficientFunds);

        var then = first.Continue().When(Deposit(100m)).Continue().When(Debit(50m));

        then.ThenRepeats(original);
        Assert.Equal(0, then.Decision.NewState.AsOpened().PendingTransfers.Count);
    }

    [Fact]
    public void Should_repeat_a_retried_credit_without_crediting_twice()
    {
        Given(Opened()).When(Credit(25m))
            .Continue().When(Credit(25m))
            .ThenRepeats(new CommandAccepted(2L, 25m));
    }

    [Fact]
    public void Should_repeat_a_retried_settle_instead_of_rejecting_it_as_no_longer_pending()
    {
        Given(Opened(), Deposited(100m), Debited(40m)).When(Settle())
            .Continue().When(Settle())
            .ThenRepeats(new CommandAccepted(4L, 60m));
    }

    [Fact]
    public void Should_repeat_a_retried_refund_without_refunding_twice()
    {
        var then = Given(Opened(), Deposited(100m), Debited(40m)).When(Refund())
            .Continue().When(Refund());

        then.ThenRepeats(new CommandAccepted(4L, 100m));
        Assert.Equal(100m, then.Decision.NewState.AsOpened().Balance);
    }

    [Fact]
    public void Should_repeat_a_closure_declined_for_pending_transfers()
    {
        var first = Given(Opened(), Deposited(10m), Debited(10m)).When(Close(id: Key));
        var original = first.ThenDeclined(DeclineReason.TransfersPending);

        first.Continue().When(Close(id: Key)).ThenRepeats(original);
    }

    [Fact]
    public void Should_reject_a_debit_carrying_the_step_id_of_another_transfer()
    {
        Given(Opened(), Deposited(100m), Debited(40m))
            .When(Debit(40m, transfer: OtherTransfer, id: SomeTransfer.StepCommandId(Transfer.DebitStep)))
            .ThenRejects(RejectionReason.InvalidCommand);
    }

    [Fact]
    public void Should_reject_a_debit_resent_for_another_amount()
    {
        Given(Opened(), Deposited(100m), Debited(40m))
            .When(Debit(40.01m))
            .ThenRejects(RejectionReason.CommandIdReused);
    }

    [Fact]
    public void Should_reject_a_credit_with_another_transfers_step_id_or_resent_for_another_amount()
    {
        var credited = Given(Opened(), Credited(25m));

        credited.When(Credit(25m, transfer: OtherTransfer, id: SomeTransfer.StepCommandId(Transfer.CreditStep))).ThenRejects(RejectionReason.InvalidCommand);
        credited.When(Credit(26m)).ThenRejects(RejectionReason.CommandIdReused);
    }

    [Fact]
    public void Should_reject_a_settle_carrying_the_step_id_of_another_transfer()
    {
        var then = Given(Opened(), Deposited(100m), Debited(40m), Debited(10m, OtherTransfer), Settled(id: SomeTransfer.StepCommandId(Transfer.SettleStep)))
            .When(Settle(OtherTransfer, id: SomeTransfer.StepCommandId(Transfer.SettleStep)));

        then.ThenRejects(RejectionReason.InvalidCommand);
        Assert.True(then.Decision.NewState.AsOpened().PendingTransfers.TryGet(OtherTransfer, out _));
    }

    [Fact]
    public void Should_reject_a_refund_carrying_the_step_id_of_another_transfer()
    {
        var then = Given(Opened(), Deposited(100m), Debited(40m), Debited(10m, OtherTransfer), Refunded(40m, id: SomeTransfer.StepCommandId(Transfer.RefundStep)))
            .When(Refund(OtherTransfer, id: SomeTransfer.StepCommandId(Transfer.RefundStep)));

        then.ThenRejects(RejectionReason.InvalidCommand);
        Assert.Equal(90m, then.Decision.NewState.AsOpened().Balance);
        Assert.True(then.Decision.NewState.AsOpened().PendingTransfers.TryGet(OtherTransfer, out _));
    }

    [Theory]
    [InlineData("debit", "withdraw")]
    [InlineData("withdraw", "debit")]
    [InlineData("credit", "deposit")]
    [InlineData("deposit", "credit")]
    [InlineData("settle", "refund")]
    [InlineData("debit", "credit")]
    public void Should_reject_a_reused_command_id_for_a_different_kind_of_step(string original, string reuse)
    {
        // Same amount and transfer everywhere, so only the kind differs.
        var history = original switch
        {
            "debit" => Given(Opened(), Deposited(100m), Debited(10m, id: Key)),
            "withdraw" => Given(Opened(), Deposited(100m), Withdrawn(10m, id: Key)),
            "credit" => Given(Opened(), Deposited(100m), Credited(10m, id: Key)),
            "deposit" => Given(Opened(), Deposited(100m, id: Key)),
            _ => Given(Opened(), Deposited(100m), Debited(10m), Settled(id: Key)),
        };
        AccountCommand command = reuse switch
        {
            "withdraw" => Withdraw(10m, id: Key),
            "debit" => Debit(10m, id: Key),
            "deposit" => Deposit(10m, id: Key),
            "credit" => Credit(10m, id: Key),
            _ => Refund(id: Key),
        };

        // A client key can never be a step's id (the namespaces are disjoint); a client command reusing a key is a reuse.
        history.When(command).ThenRejects(command is AccountCommands.DebitForTransfer or AccountCommands.CreditFromTransfer or AccountCommands.SettleTransfer or AccountCommands.RefundTransfer
            ? RejectionReason.InvalidCommand
            : RejectionReason.CommandIdReused);
    }

    /// <summary>
    /// The process manager resends a debit it never got an answer to. If the source processed a
    /// full idempotency window of other commands meanwhile, the command id is no longer recognised,
    /// but the transfer id is still pending on the account: taking the money a second time while
    /// the pending ledger keeps one entry (so only one settle or refund ever follows) makes money vanish.
    /// </summary>
    [Fact]
    public void Should_not_take_the_money_twice_for_a_transfer_that_is_already_pending()
    {
        var debitStep = SomeTransfer.StepCommandId("debit");
        var history = new List<AccountEvent> { Opened(), Deposited(100m), Debited(40m, id: debitStep) };
        history.AddRange(Enumerable.Range(0, RecentCommands.Capacity).Select(_ => (AccountEvent)Deposited(1m)));
        var given = Given([.. history]);
        var before = given.State.AsOpened();
        Assert.Equal(100m + RecentCommands.Capacity, before.Balance + before.PendingTransfers.Total);

        var then = given.When(Debit(40m, id: debitStep));

        // Whether the account repeats or refuses, the transfer may hold back its 40 EUR only once.
        var after = then.Decision.NewState.AsOpened();
        Assert.Equal(before.Balance + before.PendingTransfers.Total, after.Balance + after.PendingTransfers.Total);
        Assert.DoesNotContain(then.Decision.Events, e => e is TransferDebited);
    }

    /// <summary>
    /// The process manager resends a credit it never got an answer to, after the destination processed
    /// a full idempotency window of other commands (a busy merchant account can, within seconds).
    /// The transfer is still pending on the destination until it is settled there, so the money is not
    /// given twice.
    /// </summary>
    [Fact]
    public void Should_not_credit_twice_for_a_transfer_credited_before_the_idempotency_window()
    {
        var creditStep = SomeTransfer.StepCommandId("credit");
        var history = new List<AccountEvent> { Opened(), Credited(40m, id: creditStep) };
        history.AddRange(Enumerable.Range(0, RecentCommands.Capacity).Select(_ => (AccountEvent)Deposited(1m)));
        var given = Given([.. history]);
        Assert.False(given.State.AsOpened().RecentCommands.TryGet(creditStep, out _));

        var then = given.When(Credit(40m, id: creditStep));

        then.ThenRepeats(new CommandAccepted(given.State.Version, 40m + RecentCommands.Capacity));
        given.When(Credit(41m, id: creditStep)).ThenRejects(RejectionReason.CommandIdReused);
    }

    [Fact]
    public void Should_keep_a_credited_transfer_pending_on_the_destination_until_it_is_settled_there()
    {
        var then = Given(Opened(), Deposited(5m)).When(Credit(40m));
        Assert.True(then.Decision.NewState.AsOpened().PendingCredits.TryGet(SomeTransfer, out var pending));
        Assert.Equal(new Money(40m, Currency.EUR), pending);
        Assert.Equal(0, then.Decision.NewState.AsOpened().PendingTransfers.Count);

        var settled = then.Continue().When(Settle());

        Assert.Equal(SomeTransfer, settled.ThenEmits<TransferSettled>().TransferId);
        Assert.Equal(0, settled.Decision.NewState.AsOpened().PendingCredits.Count);
        Assert.Equal(45m, settled.Decision.NewState.AsOpened().Balance);
    }

    // Fold

    [Fact]
    public void Should_always_be_the_replay_of_the_events_it_emitted()
    {
        // A declined debit is final for its transfer (its step id is answered the same ever after): a new transfer retries.
        var retried = TransferId.DeriveFrom("domain-spec-retried-transfer");
        var commands = new AccountCommand[]
        {
            Open(overdraft: 50m), Deposit(100m), Debit(30m), Debit(500m, OtherTransfer), Debit(40m, retried),
            Credit(12.34m, transfer: IncomingTransfer), Close(), Refund(), Settle(retried), Settle(), Settle(IncomingTransfer), Withdraw(72.34m), Close(),
        };
        var state = AccountState.Initial(Id);
        var events = new List<AccountEvent>();

        foreach (var command in commands)
        {
            var decision = Account.Decide(state, command, Now);
            events.AddRange(decision.Events);
            state = decision.NewState;

            AssertSameState(Account.Replay(Id, events), state);
            Assert.Equal(events.Count, state.Version);
        }

        var closed = state.AsOpened();
        Assert.Equal(AccountStatus.Closed, closed.Status);
        Assert.Equal(0m, closed.Balance);
        Assert.Equal(0, closed.PendingTransfers.Count);
        Assert.Equal(0, closed.PendingCredits.Count);
        // The settle of SomeTransfer after its refund was rejected, so it left no event.
        Assert.Equal(commands.Length - 1, events.Count);
    }

    [Fact]
    public void Should_raise_the_version_but_not_move_money_on_a_declined_transfer_debit()
    {
        var before = Given(Opened(), Deposited(20m)).State;

        var after = Account.Evolve(before, DeclinedDebit(100m, 20m));

        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(20m, after.Balance);
        Assert.Equal(0, after.PendingTransfers.Count);
    }
}
