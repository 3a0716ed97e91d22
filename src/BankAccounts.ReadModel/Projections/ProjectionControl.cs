using Akka.Actor;
using Akka.Hosting;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;

namespace BankAccounts.ReadModel.Projections;

/// <summary>Talks to the projectors through the singleton proxy, so it works on every node of the cluster.</summary>
internal sealed class ProjectionControl(ActorRegistry registry, IDbContextFactory<ReadModelDbContext> dbFactory) : IProjectionControl
{
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromMinutes(2);

    public async Task RebuildAsync(string projection, CancellationToken cancellationToken = default)
    {
        if (!ProjectionNames.All.Contains(projection))
        {
            throw new ArgumentException($"Unknown projection '{projection}'.", nameof(projection));
        }
        var supervisor = await registry.GetAsync<ProjectionSupervisor>(cancellationToken);
        await supervisor.Ask<Status.Success>(new ProjectionSupervisor.Rebuild(projection), RebuildTimeout, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, long>> OffsetsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.Offsets.AsNoTracking().ToDictionaryAsync(o => o.Projection, o => o.Offset, cancellationToken);
        return ProjectionNames.All.ToDictionary(name => name, name => stored.GetValueOrDefault(name));
    }
}
