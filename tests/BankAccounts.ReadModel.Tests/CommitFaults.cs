using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BankAccounts.ReadModel.Tests;

/// <summary>
/// Simulates the projector dying around the commit of a read-model transaction: right before the
/// commit (nothing lands) or right after it (everything landed but the projector never learns).
/// </summary>
public sealed class CommitFaults : DbTransactionInterceptor
{
    private int _commits;

    /// <summary>Fail before every n-th commit (0: never).</summary>
    public int FailBeforeEvery { get; init; }

    /// <summary>Fail after every n-th commit (0: never).</summary>
    public int FailAfterEvery { get; init; }

    /// <summary>Stop injecting once this many faults were raised.</summary>
    public int MaxFaults { get; init; } = int.MaxValue;

    public int Faults { get; private set; }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        var commit = Interlocked.Increment(ref _commits);
        ThrowIfDue(FailBeforeEvery, commit, "before");
        return ValueTask.FromResult(result);
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ThrowIfDue(FailAfterEvery, _commits, "after");
        return Task.CompletedTask;
    }

    private void ThrowIfDue(int every, int commit, string when)
    {
        if (every > 0 && commit % every == 0 && Faults < MaxFaults)
        {
            Faults++;
            throw new InvalidOperationException($"Injected crash {when} commit #{commit}.");
        }
    }
}
