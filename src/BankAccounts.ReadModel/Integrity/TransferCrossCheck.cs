using BankAccounts.Actors;
using BankAccounts.Domain;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.ReadModel.Integrity;

/// <summary>
/// Cross-checks every transfer stream, folded with the domain's own <see cref="Transfer.Evolve"/>, with the
/// legs its transfer left on the accounts (debit, credit, settlements, refund). It must be fed the journal
/// in order: an account records a leg before the transfer records the account's answer, so when a transfer
/// ends all its legs are known. It is checked then and only its final status is kept, so memory per ended
/// transfer stays a few bytes.
/// </summary>
internal sealed class TransferCrossCheck(Action<string> drift)
{
    private readonly Dictionary<TransferId, TransferState> _running = [];
    private readonly Dictionary<TransferId, TransferLegs> _legs = [];
    private readonly Dictionary<TransferId, TransferStatus> _ended = [];

    public void Apply(TransferId id, TransferEvent @event)
    {
        if (_ended.TryGetValue(id, out var status))
        {
            drift($"Transfer {id} recorded {@event.GetType().Name} after it ended {status}.");
            return;
        }
        var state = Transfer.Evolve(_running.GetValueOrDefault(id) ?? TransferState.Initial(id), @event);
        if (state.Status is not (TransferStatus.Completed or TransferStatus.Failed))
        {
            _running[id] = state;
            return;
        }
        _running.Remove(id);
        _ended[id] = state.Status;
        CheckEnded(state, _legs.Remove(id, out var legs) ? legs : new TransferLegs());
    }

    public void Apply(AccountId account, AccountEvent @event)
    {
        switch (@event)
        {
            case TransferDebited debited when LegsOf(debited.TransferId, account, @event) is { } legs:
                legs.Debit = Once(legs.Debit, new Leg(account, debited.Amount), debited.TransferId, "debited");
                break;
            case TransferCredited credited when LegsOf(credited.TransferId, account, @event) is { } legs:
                legs.Credit = Once(legs.Credit, new Leg(account, credited.Amount), credited.TransferId, "credited");
                break;
            case TransferRefunded refunded when LegsOf(refunded.TransferId, account, @event) is { } legs:
                legs.Refund = Once(legs.Refund, new Leg(account, refunded.Amount), refunded.TransferId, "refunded");
                break;
            case TransferSettled settled when LegsOf(settled.TransferId, account, @event) is { } legs:
                legs.SettledOn.Add(account);
                break;
        }
    }

    /// <summary>Money debited for this transfer has reached its destination (so it is no longer in flight).</summary>
    public bool HasArrived(TransferId id) =>
        _ended.GetValueOrDefault(id) == TransferStatus.Completed || _legs.GetValueOrDefault(id)?.Credit is not null;

    /// <summary>
    /// At the end of the journal: what is still in flight must be young, and no account may still hold as
    /// pending a transfer that ended or never existed.
    /// </summary>
    public void Finish(IEnumerable<AccountState.Opened> accounts, DateTimeOffset now, TimeSpan inFlightBound)
    {
        foreach (var state in _running.Values)
        {
            if (state.Status != TransferStatus.Pending)
            {
                var reason = state.FailureReason is null ? "" : $": {state.FailureReason} ({state.FailureDetail})";
                drift($"Transfer {state.Id} is {state.Status}, neither completed nor failed{reason}.");
            }
            else if (state.UpdatedAt is { } updatedAt && now - updatedAt > inFlightBound)
            {
                drift($"Transfer {state.Id} has been pending since {updatedAt:O} (next step: {state.NextStep}), longer than {inFlightBound}.");
            }
        }

        var orphans = new HashSet<TransferId>();
        foreach (var account in accounts)
        {
            foreach (var (id, amount) in account.PendingTransfers.All)
            {
                CheckPending(account.Id, id, amount, "debit", orphans);
            }
            foreach (var (id, amount) in account.PendingCredits.All)
            {
                CheckPending(account.Id, id, amount, "credit", orphans);
            }
        }
        foreach (var (id, legs) in _legs.Where(l => !_running.ContainsKey(l.Key) && !orphans.Contains(l.Key)))
        {
            drift($"Transfer {id} has no stream {TransferPersistenceId.For(id)}, yet accounts recorded legs for it: {legs}.");
        }
    }

    private void CheckPending(AccountId account, TransferId id, Money amount, string kind, HashSet<TransferId> orphans)
    {
        if (_ended.TryGetValue(id, out var status))
        {
            drift($"Account {account} still holds transfer {id} ({amount}) as a pending {kind}, but the transfer is {status}.");
        }
        else if (!_running.ContainsKey(id))
        {
            orphans.Add(id);
            drift($"Account {account} holds transfer {id} ({amount}) as a pending {kind}, but there is no stream {TransferPersistenceId.For(id)}.");
        }
    }

    private void CheckEnded(TransferState state, TransferLegs legs)
    {
        var id = state.Id;
        if (state.Status == TransferStatus.Completed)
        {
            if (legs.Debit?.Account != state.From)
            {
                drift($"Transfer {id} is completed but its source account {state.From} has no TransferDebited for it.");
            }
            if (legs.Credit?.Account != state.To)
            {
                drift($"Transfer {id} is completed but its destination account {state.To} has no TransferCredited for it.");
            }
            if (legs is { Debit: { } debit, Credit: { } credit } && debit.Amount != credit.Amount)
            {
                drift($"Transfer {id} is completed but account {debit.Account} was debited {debit.Amount} and account {credit.Account} credited {credit.Amount}.");
            }
            if (!legs.SettledOn.Contains(state.From))
            {
                drift($"Transfer {id} is completed but its source account {state.From} has no TransferSettled for it.");
            }
            if (!legs.SettledOn.Contains(state.To))
            {
                drift($"Transfer {id} is completed but its destination account {state.To} has no TransferSettled for it.");
            }
            if (legs.Refund is { } refund)
            {
                drift($"Transfer {id} is completed but account {refund.Account} was also refunded {refund.Amount} for it.");
            }
            return;
        }

        if (legs.Debit is { } debited)
        {
            if (legs.Refund is not { } refund || refund.Account != debited.Account)
            {
                drift($"Transfer {id} failed after account {debited.Account} was debited {debited.Amount}, but that account has no TransferRefunded for it: the money is lost.");
            }
            else if (refund.Amount != debited.Amount)
            {
                drift($"Transfer {id} failed: account {debited.Account} was debited {debited.Amount} but refunded {refund.Amount}.");
            }
        }
        if (legs.Credit is { } credited)
        {
            drift($"Transfer {id} failed but account {credited.Account} was credited {credited.Amount} for it.");
        }
    }

    /// <summary>The legs recorded so far for a transfer, or null (and drift) when the transfer already ended.</summary>
    private TransferLegs? LegsOf(TransferId id, AccountId account, AccountEvent @event)
    {
        if (_ended.TryGetValue(id, out var status))
        {
            drift($"Account {account} recorded {@event.GetType().Name} for transfer {id} after the transfer ended {status}.");
            return null;
        }
        if (!_legs.TryGetValue(id, out var legs))
        {
            _legs[id] = legs = new TransferLegs();
        }
        return legs;
    }

    private Leg Once(Leg? recorded, Leg leg, TransferId id, string done)
    {
        if (recorded is not null)
        {
            drift($"Transfer {id}: account {leg.Account} {done} {leg.Amount}, but account {recorded.Account} was already {done} {recorded.Amount} for it.");
        }
        return leg;
    }

    private sealed record Leg(AccountId Account, Money Amount);

    /// <summary>What the account streams recorded for one transfer that has not ended yet.</summary>
    private sealed class TransferLegs
    {
        public Leg? Debit { get; set; }

        public Leg? Credit { get; set; }

        public Leg? Refund { get; set; }

        public List<AccountId> SettledOn { get; } = [];

        public override string ToString() =>
            string.Join(", ", new[]
            {
                Debit is null ? null : $"debit of {Debit.Amount} on {Debit.Account}",
                Credit is null ? null : $"credit of {Credit.Amount} on {Credit.Account}",
                Refund is null ? null : $"refund of {Refund.Amount} on {Refund.Account}",
                SettledOn.Count == 0 ? null : $"settled on {string.Join(" and ", SettledOn)}",
            }.OfType<string>());
    }
}
