using BankAccounts.Domain;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.ReadModel.Tests;

/// <summary>
/// A random but reproducible stream of one account, as the domain could have written it: deposits,
/// withdrawals (declined beyond the overdraft), transfers out (declined likewise) and in, settlements
/// and refunds in any order, closure attempts (declined while money or transfers remain), and finally,
/// maybe, a closure. Timestamps move forward by random steps, some of zero, and the clock sometimes
/// steps back a little, as a node's clock can.
/// </summary>
internal static class RandomAccountHistory
{
    public static IReadOnlyList<AccountEvent> Generate(AccountId id, int seed, int length, DateTimeOffset start)
    {
        var random = new Random(seed);
        var now = start;
        var events = new List<AccountEvent> { new AccountOpened(id, $"owner-{seed}", Currency.EUR, 50m, CommandId.New(), now) { OwnerId = "customer" } };
        var balance = 0m;
        var outgoing = new Dictionary<TransferId, decimal>();
        var incoming = new List<TransferId>();
        while (events.Count < length)
        {
            now += random.Next(10) switch
            {
                0 => TimeSpan.Zero,
                1 => -TimeSpan.FromMinutes(random.Next(1, 30)), // a clock that stepped back
                _ => TimeSpan.FromMinutes(random.Next(1, 240)),
            };
            var amount = random.Next(1, 20_000) / 100m;
            AccountEvent next = random.Next(12) switch
            {
                < 3 => new MoneyDeposited(Eur(amount), $"dep \"{events.Count}\", ok", CommandId.New(), now),
                < 5 => amount <= balance + 50m
                    ? new MoneyWithdrawn(Eur(amount), null, CommandId.New(), now)
                    : new WithdrawalDeclined(Eur(amount), balance + 50m, WithdrawalDeclineReason.InsufficientFunds, "atm", CommandId.New(), now),
                < 7 => amount <= balance + 50m
                    ? new TransferDebited(TransferId.New(), AccountId.New(), Eur(amount), "rent", CommandId.New(), now)
                    : new TransferDebitDeclined(TransferId.New(), AccountId.New(), Eur(amount), balance + 50m,
                        WithdrawalDeclineReason.InsufficientFunds, "rent", CommandId.New(), now),
                < 8 => new TransferCredited(TransferId.New(), AccountId.New(), Eur(amount), "salary", CommandId.New(), now),
                < 10 when outgoing.Count > 0 && random.Next(2) == 0 =>
                    new TransferRefunded(outgoing.Keys.First(), Eur(outgoing[outgoing.Keys.First()]), "AccountClosed", CommandId.New(), now),
                < 10 when outgoing.Count + incoming.Count > 0 =>
                    new TransferSettled(random.Next(2) == 0 && incoming.Count > 0 ? incoming[0] : outgoing.Keys.Concat(incoming).First(), CommandId.New(), now),
                < 11 when outgoing.Count + incoming.Count == 0 && balance > 0m && random.Next(2) == 0 =>
                    new MoneyWithdrawn(Eur(balance), "emptied to close", CommandId.New(), now),
                < 11 when outgoing.Count + incoming.Count == 0 && balance < 0m && random.Next(2) == 0 =>
                    new MoneyDeposited(Eur(-balance), "overdraft repaid to close", CommandId.New(), now),
                < 11 when balance != 0m || outgoing.Count + incoming.Count > 0 =>
                    new AccountClosureDeclined(outgoing.Count > 0 ? ClosureDeclineReason.TransfersPending : ClosureDeclineReason.NonZeroBalance, balance, CommandId.New(), now),
                < 11 => new AccountClosed(CommandId.New(), now),
                _ => new MoneyDeposited(Eur(amount), null, CommandId.New(), now),
            };
            events.Add(next);
            switch (next)
            {
                case MoneyDeposited d: balance += d.Amount.Amount; break;
                case MoneyWithdrawn w: balance -= w.Amount.Amount; break;
                case TransferDebited d: balance -= d.Amount.Amount; outgoing[d.TransferId] = d.Amount.Amount; break;
                case TransferCredited c: balance += c.Amount.Amount; incoming.Add(c.TransferId); break;
                case TransferRefunded r: balance += r.Amount.Amount; outgoing.Remove(r.TransferId); break;
                case TransferSettled s: outgoing.Remove(s.TransferId); incoming.Remove(s.TransferId); break;
                case AccountClosed: return events;
            }
        }
        return events;
    }

    private static Money Eur(decimal amount) => new(amount, Currency.EUR);
}
