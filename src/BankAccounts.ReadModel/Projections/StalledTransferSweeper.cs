using Akka.Actor;
using Akka.Event;
using BankAccounts.Actors;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Projections;

/// <summary>
/// Guarantees no transfer stays pending forever: transfers the read model shows as pending and
/// untouched for a while are woken up (after a restart nothing else would start their process
/// manager). Waking a live process manager is harmless: one waiting out its own back-off ignores it.
/// </summary>
internal sealed class StalledTransferSweeper : ReceiveActor, IWithTimers
{
    /// <summary>Transfers woken per pass at most; the next pass takes the rest.</summary>
    public const int MaxPerSweep = 1000;

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public StalledTransferSweeper(IDbContextFactory<ReadModelDbContext> dbFactory, IActorRef transfers, TimeSpan interval, TimeProvider clock)
    {
        ReceiveAsync<Sweep>(async _ =>
        {
            // Only what is due, oldest first, through the (status, updated) index, at most a bounded number per pass.
            var stalledBefore = (clock.GetUtcNow() - interval).UtcTicks;
            await using var db = await dbFactory.CreateDbContextAsync();
            var due = await db.Transfers.AsNoTracking()
                .Where(t => t.Status == TransferStatuses.Pending && t.UpdatedAtTicks < stalledBefore)
                .OrderBy(t => t.UpdatedAtTicks)
                .Select(t => t.TransferId)
                .Take(MaxPerSweep)
                .ToListAsync();
            foreach (var transfer in due)
            {
                transfers.Tell(new TransferMessages.ResumeTransfer(new TransferId(transfer)));
            }
        });
        Timers.StartPeriodicTimer("sweep", Sweep.Instance, interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IDbContextFactory<ReadModelDbContext> dbFactory, IActorRef transfers, TimeSpan interval, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new StalledTransferSweeper(dbFactory, transfers, interval, clock));

    protected override void PreRestart(Exception reason, object message)
    {
        _log.Warning(reason, "Sweeping stalled transfers failed; trying again at the next tick.");
        base.PreRestart(reason, message);
    }

    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();
    }
}
