using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Domain;
using static BankAccounts.Domain.AccountCommands;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>The commands the scenarios send, through the shard region.</summary>
internal static class Workload
{
    public const string Currency = "EUR";
    public const decimal DepositAmount = 10.00m;

    /// <summary>
    /// Deposits per account (warm-up and measurement together) a scenario stays below, so it measures accounts whose
    /// idempotency window (256 commands) still holds every command: past it each new command also looks its id up in
    /// the command history, a different workload (measured apart: docs/performance.md). Past ~200 events per account
    /// this round's runs also hit journal failures and an open circuit breaker; that defect is fixed
    /// (SqlJournalWithoutEmptyWrites), a 400-deposits-per-account run had 0 errors.
    /// </summary>
    public const int EventsPerAccountBudget = 150;

    /// <summary>
    /// How many warm-up operations fit in <see cref="EventsPerAccountBudget"/>. A warm-up runs on accounts of its own, so
    /// the measured accounts keep their whole budget and the warm-up is ended by the JIT going quiet, not by the budget.
    /// </summary>
    public static int WarmUpBudget(int accounts) => accounts * EventsPerAccountBudget;

    public static async Task<AccountId[]> OpenAccountsAsync(WriteSideHost host, int count, int concurrency)
    {
        var ids = Enumerable.Range(0, count).Select(_ => AccountId.New()).ToArray();
        var result = await LoadDriver.ClosedLoopAsync(count, concurrency, async i =>
            await host.SendAsync(new OpenAccount(ids[i], CommandId.New(), $"bench-owner-{i}", Currency)) is CommandAccepted);
        EnsureNoErrors(result, "opening accounts");
        return ids;
    }

    public static async Task<bool> DepositAsync(WriteSideHost host, AccountId account) =>
        await host.SendAsync(new DepositMoney(account, CommandId.New(), DepositAmount, Currency)) is CommandAccepted;

    public static void EnsureNoErrors(LoadResult result, string what)
    {
        if (result.Errors > 0)
        {
            throw new InvalidOperationException($"{result.Errors} of {result.Operations} operations failed while {what}.");
        }
    }
}
