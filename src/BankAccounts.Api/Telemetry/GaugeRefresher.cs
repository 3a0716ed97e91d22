using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.Actors.Telemetry;
using BankAccounts.ReadModel.Telemetry;

namespace BankAccounts.Api.Telemetry;

/// <summary>
/// Refreshes the gauges that have to ask someone: entities active on this node (the shard regions' statistics) and
/// the read side's gauges (<see cref="ReadSideGauges"/>), every <see cref="TelemetryOptions.GaugeRefreshInterval"/>.
/// </summary>
internal sealed class GaugeRefresher : BackgroundService
{
    private readonly IRequiredActor<AccountActor> _accounts;
    private readonly IRequiredActor<TransferProcessActor> _transfers;
    private readonly ReadSideGauges _readSide;
    private readonly TelemetryOptions _options;
    private readonly ILogger<GaugeRefresher> _log;
    private volatile IReadOnlyDictionary<string, int> _active = new Dictionary<string, int>();

    public GaugeRefresher(
        IRequiredActor<AccountActor> accounts, IRequiredActor<TransferProcessActor> transfers, ReadSideGauges readSide,
        TelemetryOptions options, IMeterFactory meters, ILogger<GaugeRefresher> log)
    {
        _accounts = accounts;
        _transfers = transfers;
        _readSide = readSide;
        _options = options;
        _log = log;
        meters.Create(BankAccountsTelemetry.Name).CreateObservableGauge(
            "bankaccounts.entities.active",
            () => _active.Select(pair => new Measurement<int>(pair.Value, new KeyValuePair<string, object?>("entity.type", pair.Key))),
            "{entity}", "Entities running on this node (accounts and transfer process managers).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.GaugeRefreshInterval);
        // The first refresh waits one interval: at start the read model's schema may still be being created.
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                _active = new Dictionary<string, int>
                {
                    ["account"] = await ActiveAsync(_accounts, stoppingToken),
                    ["transfer"] = await ActiveAsync(_transfers, stoppingToken),
                };
                await _readSide.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The gauges keep their last values; the next tick tries again.
                _log.LogWarning(e, "Refreshing the telemetry gauges failed.");
            }
        }
    }

    /// <summary>How long a shard region may take to count its entities before this tick gives up.</summary>
    private static readonly TimeSpan RegionStatsTimeout = TimeSpan.FromSeconds(5);

    private static async Task<int> ActiveAsync<T>(IRequiredActor<T> region, CancellationToken cancellationToken)
    {
        var stats = await (await region.GetAsync(cancellationToken)).Ask<ShardRegionStats>(
            GetShardRegionStats.Instance, RegionStatsTimeout, cancellationToken);
        return stats.Stats.Values.Sum();
    }
}
