namespace BankAccounts.Domain.Tests;

/// <summary>What the transfer specs share: the accounts, the request, the accounts' answers and a recorded <see cref="Run"/>.</summary>
internal static class TransferSpec
{
    internal static readonly TransferId Id = AccountSpec.SomeTransfer;
    internal static readonly AccountId From = AccountSpec.Id;
    internal static readonly AccountId To = AccountSpec.OtherId;
    internal static readonly CommandId RequestKey = new("transfer-request-1");
    internal static readonly DateTimeOffset Now = AccountSpec.Now;

    internal static RequestTransfer NewRequest(
        decimal amount = 25m, string? reference = "invoice 7", AccountId? from = null, AccountId? to = null, CommandId? id = null) =>
        new(Id, from ?? From, to ?? To, amount, reference, id ?? RequestKey);

    internal static CommandAccepted Accepted(long version = 3L, decimal balance = 75m) => new(version, balance);

    internal static CommandRejected Rejected(RejectionReason reason, params string[] errors) =>
        new(reason, errors.Length == 0 ? [FieldError.General(FieldErrorCodes.Invalid, "refused.")] : [.. errors.Select(e => FieldError.General(FieldErrorCodes.Invalid, e))], 2L);

    internal static CommandDeclined InsufficientFunds() =>
        new(3L, 10m, DeclineReason.InsufficientFunds, "Transfer of 25 EUR declined: only 10 EUR available including the overdraft.");

    /// <summary>A transfer that was requested and whose source answered the debit.</summary>
    internal static Run Debited(decimal amount = 25m)
    {
        var run = Run.Requested(amount);
        run.Answer(Accepted());
        return run;
    }

    internal static CommandRejected RejectedRequest(RequestTransfer request)
    {
        var run = new Run();

        var decision = run.Request(request);

        var rejected = Assert.IsType<CommandRejected>(decision.Rejection);
        Assert.Equal(RejectionReason.InvalidCommand, rejected.Reason);
        Assert.Equal(0L, rejected.CurrentVersion);
        Assert.Empty(decision.Events);
        Assert.Equal(TransferState.Initial(Id), run.State);
        return rejected;
    }

    /// <summary>
    /// One transfer's stream: every decision is recorded, each at the next second of the spec clock,
    /// and the state must always be the replay of the stream.
    /// </summary>
    internal sealed class Run
    {
        private readonly List<TransferEvent> _events = [];
        private int _tick;

        public TransferState State { get; private set; } = TransferState.Initial(Id);

        public IReadOnlyList<TransferEvent> Events => _events;

        public static Run Requested(decimal amount = 25m)
        {
            var run = new Run();
            Assert.Single(run.Request(NewRequest(amount)).Events);
            return run;
        }

        public TransferDecision Request(RequestTransfer request) =>
            Record(Transfer.Request(State, request.Principal == Security.Principal.Anonymous ? request with { Principal = Security.Principal.System } : request, NextTick()));

        /// <summary>The answer to the step the transfer is waiting for.</summary>
        public TransferDecision Answer(CommandOutcome outcome) => Answer(State.NextStep, outcome);

        public TransferDecision Answer(TransferStep step, CommandOutcome outcome, Currency? sourceCurrency = null) =>
            Record(Transfer.OnOutcome(State, step, outcome, sourceCurrency ?? Currency.EUR, NextTick()));

        public TransferDecision SourceUnavailable(RejectionReason reason, string detail) =>
            Record(Transfer.SourceUnavailable(State, reason, detail, NextTick()));

        public TransferDecision SourceLookedUp(AccountView source) =>
            Record(Transfer.SourceLookedUp(State, source, NextTick()));

        private DateTimeOffset NextTick() => Now.AddSeconds(_tick++);

        private TransferDecision Record(TransferDecision decision)
        {
            if (decision.Rejection is not null || decision.Events.Count == 0)
            {
                Assert.Empty(decision.Events);
                Assert.Equal(State, decision.NewState);
                _tick--; // nothing recorded, so the clock of the next event does not move
            }
            _events.AddRange(decision.Events);
            State = decision.NewState;
            Assert.Equal(Transfer.Replay(Id, _events), State);
            Assert.Equal(_events.Count, State.Version);
            return decision;
        }
    }
}
