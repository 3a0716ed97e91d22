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
/// manager). Waking a live process manager is harmless.
/// </summary>
internal sealed class StalledTransferSweeper : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public StalledTransferSweeper(IDbContextFactory<ReadModelDbContext> dbFactory, IActorRef transfers, TimeSpan interval)
    {
        ReceiveAsync<Sweep>(async _ =>
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var pending = await db.Transfers.AsNoTracking()
                .Where(t => t.Status == "pending")
                .Select(t => new { t.TransferId, t.UpdatedAt })
                .ToListAsync();
            var stalledBefore = DateTimeOffset.UtcNow - interval;
            foreach (var transfer in pending.Where(t => t.UpdatedAt < stalledBefore))
            {
                transfers.Tell(new TransferMessages.ResumeTransfer(new TransferId(transfer.TransferId)));
            }
        });
        Timers.StartPeriodicTimer("sweep", Sweep.Instance, interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IDbContextFactory<ReadModelDbContext> dbFactory, IActorRef transfers, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new StalledTransferSweeper(dbFactory, transfers, interval));

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
