// Clusters are heavy (three processes on two cores): one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>One PostgreSQL server and one copy of the host binaries for every cluster test of the run.</summary>
public sealed class ClusterEnvironment : IAsyncLifetime
{
    public PostgresServer Postgres { get; } = new();

    public ApiBinaries Binaries { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Binaries = new ApiBinaries();
        await Postgres.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Postgres.DisposeAsync();
        Binaries?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterEnvironment>
{
    public const string Name = "cluster";
}
