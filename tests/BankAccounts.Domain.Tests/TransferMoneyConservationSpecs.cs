using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.TransferSpec;

namespace BankAccounts.Domain.Tests;

/// <summary>The transfer decider driven against two real account deciders: on every path no money is created or lost, at every step.</summary>
public sealed class TransferMoneyConservationSpecs
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_move_the_money_and_conserve_it_at_every_step_of_a_successful_transfer(bool redeliver)
    {
        var bank = new Bank().Open(From, deposit: 100m).Open(To, deposit: 5m);

        var (final, snapshots) = Drive(bank, 40m, redeliver);

        Assert.Equal(TransferStatus.Completed, final.Status);
        Assert.Equal(60m, bank[From].Balance);
        Assert.Equal(45m, bank[To].Balance);
        Assert.Equal(0m, bank.Pending);
        Assert.Equal([TransferStep.Debit, TransferStep.Credit, TransferStep.Settle, TransferStep.SettleDestination], snapshots.Select(s => s.Step));
        // Balances + pending is 105 at rest. Between the credit and the settle the source still
        // holds the transfer as pending (only the settle tells it the money arrived), so for that
        // one step balances + pending counts the 40 twice; what is conserved is balances + money in flight.
        Assert.Equal([105m, 145m, 105m, 105m], snapshots.Select(s => s.Balances + s.Pending));
        Assert.Equal([40m, 0m, 0m, 0m], snapshots.Select(s => s.InFlight));
        Assert.Equal(0, bank[To].PendingCredits.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_move_nothing_when_the_debit_is_declined(bool redeliver)
    {
        var bank = new Bank().Open(From, deposit: 10m).Open(To);

        var (final, snapshots) = Drive(bank, 40m, redeliver);

        Assert.Equal(TransferStatus.Failed, final.Status);
        Assert.Equal("InsufficientFunds", final.FailureReason);
        Assert.Equal((10m, 0m, 0m), (bank[From].Balance, bank[To].Balance, bank.Pending));
        Assert.Equal([10m], snapshots.Select(s => s.Balances + s.Pending));
        Assert.IsType<TransferDebitDeclined>(bank.Journal(From)[^1]);
    }

    [Theory]
    [InlineData("closed", "AccountClosed", false)]
    [InlineData("closed", "AccountClosed", true)]
    [InlineData("usd", "InvalidCommand", false)]
    [InlineData("usd", "InvalidCommand", true)]
    [InlineData("missing", "AccountNotFound", false)]
    public void Should_refund_the_source_in_full_when_the_destination_refuses_the_credit(string destination, string reason, bool redeliver)
    {
        var bank = new Bank().Open(From, deposit: 100m);
        _ = destination switch
        {
            "closed" => bank.Open(To).Close(To),
            "usd" => bank.Open(To, "USD"),
            _ => bank,
        };

        var (final, snapshots) = Drive(bank, 40m, redeliver);

        Assert.Equal(TransferStatus.Failed, final.Status);
        Assert.Equal(reason, final.FailureReason);
        Assert.Equal(100m, bank[From].Balance);
        Assert.Equal(0m, bank.BalanceOf(To));
        Assert.Equal(0m, bank.Pending);
        Assert.Equal([TransferStep.Debit, TransferStep.Credit, TransferStep.Refund], snapshots.Select(s => s.Step));
        Assert.Equal([100m, 100m, 100m], snapshots.Select(s => s.Balances + s.Pending));
        var refunded = Assert.IsType<TransferRefunded>(bank.Journal(From)[^1]);
        Assert.Equal(new Money(40m, Currency.EUR), refunded.Amount);
        Assert.Equal(reason, refunded.Reason);
        Assert.DoesNotContain(bank.Journal(To), e => e is TransferCredited);
    }

    [Fact]
    public void Should_move_nothing_when_the_source_does_not_exist()
    {
        var bank = new Bank().Open(To, deposit: 5m);

        var (final, snapshots) = Drive(bank, 40m, redeliver: false);

        Assert.Equal(TransferStatus.Failed, final.Status);
        Assert.Equal("AccountNotFound", final.FailureReason);
        Assert.Equal([5m], snapshots.Select(s => s.Balances + s.Pending));
        Assert.Empty(bank.Journal(From));
    }

    [Fact]
    public void Should_let_the_source_close_after_the_transfer_completes()
    {
        var bank = new Bank().Open(From, deposit: 40m).Open(To);

        var (final, _) = Drive(bank, 40m, redeliver: false);

        Assert.Equal(TransferStatus.Completed, final.Status);
        Assert.IsType<CommandAccepted>(bank.Send(new CloseAccount(From, CommandId.New())));
        Assert.Equal(AccountStatus.Closed, bank[From].Status);
    }

    private sealed record Snapshot(TransferStep Step, decimal Balances, decimal Pending, decimal InFlight);

    /// <summary>
    /// Runs one transfer to its end: request, then for each step send <see cref="Transfer.CommandFor"/>
    /// to the bank and record the answer. With <paramref name="redeliver"/> every command reaches the
    /// account twice and every answer reaches the process twice, as at-least-once delivery allows.
    /// </summary>
    private static (TransferState Final, IReadOnlyList<Snapshot> Snapshots) Drive(Bank bank, decimal amount, bool redeliver)
    {
        var conserved = bank.Balances + bank.InFlight;
        var run = Run.Requested(amount);
        var snapshots = new List<Snapshot>();
        while (run.State.NextStep != TransferStep.None)
        {
            Assert.True(snapshots.Count < 4, "A transfer takes at most four account steps.");
            var step = run.State.NextStep;
            var command = Transfer.CommandFor(run.State, step);
            var outcome = bank.Send(command);
            if (redeliver)
            {
                var again = bank.Send(command);
                if (outcome is CommandRejected rejected)
                {
                    Assert.Equal(rejected.Reason, Assert.IsType<CommandRejected>(again).Reason);
                }
                else
                {
                    Assert.Equal(outcome, again);
                }
            }

            Assert.Equal(conserved, bank.Balances + bank.InFlight);
            snapshots.Add(new Snapshot(step, bank.Balances, bank.Pending, bank.InFlight));

            var sourceCurrency = bank.CurrencyOf(run.State.From);
            Assert.Single(run.Answer(step, outcome, sourceCurrency).Events);
            if (redeliver)
            {
                Assert.Empty(run.Answer(step, outcome, sourceCurrency).Events);
            }
        }
        Assert.Equal(conserved, bank.Balances + bank.Pending);
        bank.AssertEveryAccountIsTheReplayOfItsJournal();
        return (run.State, snapshots);
    }

    /// <summary>
    /// A tiny in-memory bank: each account is a state advanced with <see cref="Account.Decide"/>; a
    /// command is delivered synchronously and its outcome returned, as the account entity would reply.
    /// </summary>
    private sealed class Bank
    {
        private readonly Dictionary<AccountId, AccountState.Opened> _accounts = [];
        private readonly Dictionary<AccountId, List<AccountEvent>> _journals = [];
        private readonly HashSet<TransferId> _credited = [];

        /// <summary>An account this bank opened.</summary>
        public AccountState.Opened this[AccountId id] => _accounts[id];

        /// <summary>What an account holds: nothing if it was never opened.</summary>
        public decimal BalanceOf(AccountId id) => _accounts.GetValueOrDefault(id)?.Balance ?? 0m;

        /// <summary>The account's currency; none if it was never opened.</summary>
        public Currency? CurrencyOf(AccountId id) => _accounts.GetValueOrDefault(id)?.Currency;

        public decimal Balances => _accounts.Values.Sum(a => a.Balance);

        /// <summary>Transfers the sources still hold as pending (not settled or refunded yet).</summary>
        public decimal Pending => _accounts.Values.Sum(a => a.PendingTransfers.Total);

        /// <summary>Money that left a source and has not arrived at its destination: pending and not credited.</summary>
        public decimal InFlight => _accounts.Values
            .SelectMany(a => a.PendingTransfers.All)
            .Where(p => !_credited.Contains(p.Key))
            .Sum(p => p.Value.Amount);

        public IReadOnlyList<AccountEvent> Journal(AccountId id) => _journals.GetValueOrDefault(id) ?? [];

        public Bank Open(AccountId id, string currency = "EUR", decimal deposit = 0m)
        {
            Assert.IsType<CommandAccepted>(Send(new OpenAccount(id, CommandId.New(), AccountSpec.Owner, currency)));
            if (deposit > 0m)
            {
                Assert.IsType<CommandAccepted>(Send(new DepositMoney(id, CommandId.New(), deposit)));
            }
            return this;
        }

        public Bank Close(AccountId id)
        {
            Assert.IsType<CommandAccepted>(Send(new CloseAccount(id, CommandId.New())));
            return this;
        }

        public CommandOutcome Send(AccountCommand command)
        {
            // Client commands of this bank act as the system; transfer steps carry the transfer's requester.
            var attributed = command.Principal == Security.Principal.Anonymous ? command with { Principal = Security.Principal.System } : command;
            var decision = Account.Decide(_accounts.GetValueOrDefault(command.AccountId) ?? AccountState.Initial(command.AccountId), attributed, Now);
            if (decision.Events.Count > 0)
            {
                _accounts[command.AccountId] = decision.NewState.AsOpened();
                if (!_journals.TryGetValue(command.AccountId, out var journal))
                {
                    _journals[command.AccountId] = journal = [];
                }
                journal.AddRange(decision.Events);
                _credited.UnionWith(decision.Events.OfType<TransferCredited>().Select(c => c.TransferId));
            }
            return decision.Outcome;
        }

        public void AssertEveryAccountIsTheReplayOfItsJournal()
        {
            foreach (var (id, state) in _accounts)
            {
                AccountSpec.AssertSameState(Account.Replay(id, Journal(id)), state);
            }
        }
    }
}
