using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BankAccounts.ReadModel.Idempotency;

/// <summary>
/// Deletes command history older than the retention, so its size follows the traffic of one
/// retention period. Every node may run it: the delete is idempotent.
/// </summary>
public sealed class CommandHistoryPruner(
    IDbContextFactory<ReadModelDbContext> dbFactory, ReadModelOptions options, TimeProvider clock, ILogger<CommandHistoryPruner> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass waits one interval: the read model schema is created while the node starts.
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Pruning the command history failed; it is retried in {Interval}.", Interval);
            }
        }
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = (clock.GetUtcNow() - options.IdempotencyRetention).UtcTicks;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.CommandHistory.Where(c => c.OccurredAtTicks < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
