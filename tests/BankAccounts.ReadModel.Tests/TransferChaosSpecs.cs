using Akka.Actor;
using BankAccounts.Actors;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Integrity;
using BankAccounts.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static BankAccounts.Domain.AccountCommands;

namespace BankAccounts.ReadModel.Tests;

/// <summary>
/// Randomized: many concurrent transfers in both directions plus deposits and withdrawals, while
/// account entities and transfer process managers are killed and passivated, and the whole actor
/// system is restarted between rounds with transfers still in flight. Money must add up exactly.
/// </summary>
public sealed class TransferChaosSpecs(ITestOutputHelper output)
{
    private const int AccountCount = 8;
    private const int Rounds = 3;
    private const int OperationsPerRound = 160;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    private readonly object _gate = new();
    private decimal _deposited;
    private decimal _withdrawn;

    [Fact]
    public async Task Should_conserve_money_exactly_through_kills_passivations_and_restarts()
    {
        var path = AccountsTestHost.NewDatabasePath();
        var random = new Random(20261122);
        var accounts = Enumerable.Range(0, AccountCount).Select(_ => AccountId.New()).ToList();
        var overdrafts = accounts.ToDictionary(a => a, _ => random.Next(3) == 0 ? 50m : 0m);
        var transfers = new List<TransferId>();
        var kills = 0;

        for (var round = 0; round < Rounds; round++)
        {
            await using var host = Start(path);
            if (round == 0)
            {
                foreach (var account in accounts)
                {
                    await Answered(host, new OpenAccount(account, CommandId.New(), "chaos", "EUR", overdrafts[account]));
                    await Track(host, new DepositMoney(account, CommandId.New(), 500m));
                }
            }

            var operations = Enumerable.Range(0, OperationsPerRound).Select(_ => NextOperation(random, accounts)).ToList();
            transfers.AddRange(operations.OfType<RequestTransfer>().Select(t => t.TransferId));
            using var stopChaos = new CancellationTokenSource();
            var chaos = Chaos(host, accounts, transfers.ToList(), new Random(random.Next()), stopChaos.Token);
            await Task.WhenAll(operations.Select(operation => operation switch
            {
                RequestTransfer transfer => RequestUntilAnswered(host, transfer),
                AccountCommand command => Track(host, command),
                _ => Task.CompletedTask,
            }));
            await stopChaos.CancelAsync();
            kills += await chaos;
            // The host stops here with transfers still in flight; the next one must finish them.
        }

        await using var last = Start(path);
        await WaitUntilNoTransferIsPendingInTheReadModel(last, transfers.Count);
        var outcomes = await Task.WhenAll(transfers.Select(t => last.TransferOutcome(t, TimeSpan.FromSeconds(30))));
        await last.WaitForProjections(TimeSpan.FromSeconds(60));

        var balances = new List<AccountState.Opened>();
        foreach (var account in accounts)
        {
            balances.Add(await last.StateOf(account));
        }
        var report = await last.Services.GetRequiredService<LedgerIntegrityCheck>().RunAsync();
        output.WriteLine($"{transfers.Count} transfers: {outcomes.Count(o => o.Status == TransferStatus.Completed)} completed, " +
                         $"{outcomes.Count(o => o.Status == TransferStatus.Failed)} failed; {kills} kills/passivations; " +
                         $"deposited {_deposited}, withdrawn {_withdrawn}; events checked {report.Events}.");

        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { TransferStatus.Completed, TransferStatus.Failed }));
        Assert.All(balances, b => Assert.Equal((0, 0), (b.PendingTransfers.Count, b.PendingCredits.Count)));
        Assert.Equal(_deposited - _withdrawn, balances.Sum(b => b.Balance));
        Assert.True(report.Consistent, string.Join(Environment.NewLine, report.Drift) + string.Join(", ", report.Money));
        var eur = Assert.Single(report.Money);
        Assert.Equal((0m, _deposited - _withdrawn), (eur.InFlight, eur.Balances));
        await AssertNeverBelowOverdraft(last, overdrafts);
        Assert.True(kills > 0, "No entity was killed; the chaos proved nothing.");
    }

    private static AccountsTestHost Start(string path) =>
        AccountsTestHost.StartWithReadModel(
            path,
            options =>
            {
                options.Transfers.StepTimeout = AskTimeout;
                options.Transfers.MinRetryDelay = TimeSpan.FromMilliseconds(50);
                options.Transfers.MaxRetryDelay = TimeSpan.FromSeconds(1);
            },
            configureReadModel: options => options.StalledTransferAfter = TimeSpan.FromSeconds(1));

    private static object NextOperation(Random random, IReadOnlyList<AccountId> accounts)
    {
        var from = random.Next(accounts.Count);
        var (a, b) = (accounts[from], accounts[(from + 1 + random.Next(accounts.Count - 1)) % accounts.Count]);
        var amount = random.Next(1, 20_000) / 100m;
        return random.Next(10) switch
        {
            < 6 => new RequestTransfer(TransferId.New(), a, b, amount, $"chaos {amount}", CommandId.New()),
            < 8 => new DepositMoney(a, CommandId.New(), amount),
            _ => new WithdrawMoney(a, CommandId.New(), amount),
        };
    }

    /// <summary>Kills or passivates random accounts and transfer processes until told to stop; returns how many.</summary>
    private static async Task<int> Chaos(AccountsTestHost host, IReadOnlyList<AccountId> accounts, IReadOnlyList<TransferId> earlierTransfers, Random random, CancellationToken stop)
    {
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            var target = random.Next(3) == 0 && earlierTransfers.Count > 0
                ? $"/system/sharding/transfer/*/{earlierTransfers[random.Next(earlierTransfers.Count)]}"
                : $"/system/sharding/account/*/{accounts[random.Next(accounts.Count)]}";
            object message = random.Next(2) == 0
                ? Kill.Instance
                : target.Contains("/transfer/") ? TransferMessages.StopTransfer.Instance : AccountMessages.StopAccount.Instance;
            host.System.ActorSelection(target).Tell(message);
            count++;
            try
            {
                await Task.Delay(random.Next(5, 40), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return count;
    }

    /// <summary>Deposits and withdrawals are retried with the same command id until answered, and counted once.</summary>
    private async Task Track(AccountsTestHost host, AccountCommand command)
    {
        var outcome = await Answered(host, command);
        if (outcome is not CommandAccepted)
        {
            return;
        }
        lock (_gate)
        {
            switch (command)
            {
                case DepositMoney deposit:
                    _deposited += deposit.Amount;
                    break;
                case WithdrawMoney withdrawal:
                    _withdrawn += withdrawal.Amount;
                    break;
            }
        }
    }

    private static async Task<CommandOutcome> Answered(AccountsTestHost host, AccountCommand command)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await host.Region.Ask<CommandOutcome>(AccountsTestHost.Attributed(command), AskTimeout);
            }
            catch (AskTimeoutException) when (attempt < 20)
            {
                // The entity died before answering; the same command id makes the retry safe.
            }
        }
    }

    private static async Task RequestUntilAnswered(AccountsTestHost host, RequestTransfer request)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Assert.IsType<TransferState>(await host.Transfers.Ask<object>(AccountsTestHost.Attributed(request), AskTimeout));
                return;
            }
            catch (AskTimeoutException) when (attempt < 20)
            {
            }
        }
    }

    /// <summary>Only the stalled-transfer sweeper wakes transfers after a restart: wait for it, through the read model.</summary>
    private static async Task WaitUntilNoTransferIsPendingInTheReadModel(AccountsTestHost host, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            await using var db = host.OpenReadModel();
            var known = await db.Transfers.CountAsync();
            var pending = await db.Transfers.CountAsync(t => t.Status == "pending");
            if (known == expected && pending == 0)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{pending} of {known}/{expected} transfers still pending in the read model.");
            await Task.Delay(100);
        }
    }

    private static async Task AssertNeverBelowOverdraft(AccountsTestHost host, IReadOnlyDictionary<AccountId, decimal> overdrafts)
    {
        await using var db = host.OpenReadModel();
        foreach (var (account, overdraft) in overdrafts)
        {
            var lowest = (await db.Ledger.AsNoTracking().Where(e => e.AccountId == account.Value).Select(e => e.BalanceAfter).ToListAsync()).Min();
            Assert.True(lowest >= -overdraft, $"Account {account} went to {lowest}, below its overdraft limit {overdraft}.");
        }
    }
}
