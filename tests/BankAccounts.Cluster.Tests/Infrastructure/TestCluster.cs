using System.Diagnostics;
using BankAccounts.Api.Security;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>
/// Several API processes forming one Akka.Cluster on a shared PostgreSQL (fresh journal and read model
/// databases per cluster), every node listed as a seed, exactly as docker-compose.yml wires them.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);

    private readonly ITestOutputHelper _output;
    private readonly string _folder;
    private readonly List<ClusterNode> _nodes;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly TokenIssuer _tokens;
    private bool _keepLogs;

    private TestCluster(List<ClusterNode> nodes, string folder, ITestOutputHelper output, IReadOnlyDictionary<string, string> settings, TokenIssuer tokens)
    {
        _nodes = nodes;
        _folder = folder;
        _output = output;
        _settings = settings;
        _tokens = tokens;
    }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>The read model database every node of this cluster shares.</summary>
    public string ReadModelConnectionString => _settings["BankAccounts__ReadModel__ConnectionString"];

    public IReadOnlyList<string> SeedNodes => [.. Nodes.Select(n => n.AkkaAddress)];

    public IEnumerable<ClusterNode> Running => Nodes.Where(n => n.IsRunning);

    public static async Task<TestCluster> StartAsync(
        PostgresServer postgres, ApiBinaries binaries, ITestOutputHelper output, int size = 3, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["BankAccounts__Journal__Provider"] = "PostgreSql",
            ["BankAccounts__Journal__ConnectionString"] = await postgres.CreateDatabaseAsync("journal"),
            ["BankAccounts__ReadModel__Provider"] = "PostgreSql",
            ["BankAccounts__ReadModel__ConnectionString"] = await postgres.CreateDatabaseAsync("readmodel"),
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        var folder = Path.Combine(Path.GetTempPath(), "bankaccounts-cluster-tests", "cluster-" + Guid.NewGuid().ToString("N"));
        // One key file for the whole cluster, as the compose file's shared volume; the tests mint their tokens from it.
        var security = new SecurityOptions { SigningKeyFile = Path.Combine(folder, "jwt-signing-key.pem") };
        var tokens = TokenIssuer.From(security);
        settings["BankAccounts__Security__SigningKeyFile"] = security.SigningKeyFile;
        var nodes = Enumerable.Range(1, size).Select(i => new ClusterNode(i, binaries.DllPath, Path.Combine(folder, $"node{i}"), settings, tokens)).ToList();
        var cluster = new TestCluster(nodes, folder, output, settings, tokens);
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var node in nodes)
            {
                node.Start(cluster.SeedNodes);
            }
            await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(StartDeadline)));
            await cluster.WaitUntilMembersAsync(nodes, nodes, StartDeadline);
            output.WriteLine($"Cluster of {size} up in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", nodes.Select(n => $"{n.Name} http {n.HttpPort} akka {n.AkkaPort}"))}");
            return cluster;
        }
        catch
        {
            cluster.DumpLogs();
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more node, joining through the running ones, with the cluster's settings and <paramref name="overrides"/>
    /// (e.g. another read model version); it does not wait for it to be ready.
    /// </summary>
    public ClusterNode StartNode(IReadOnlyDictionary<string, string> overrides)
    {
        var settings = new Dictionary<string, string>(_settings);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
        var index = _nodes.Count + 1;
        var node = new ClusterNode(index, _nodes[0].DllPath, Path.Combine(_folder, $"node{index}"), settings, _tokens);
        _nodes.Add(node);
        node.Start([.. Running.Select(n => n.AkkaAddress), node.AkkaAddress]);
        return node;
    }

    /// <summary>Waits until every observer sees exactly <paramref name="expected"/> as its reachable Up members.</summary>
    public Task<TimeSpan> WaitUntilMembersAsync(IEnumerable<ClusterNode> observers, IEnumerable<ClusterNode> expected, TimeSpan within)
    {
        var expectedAddresses = expected.Select(n => n.AkkaAddress).Order(StringComparer.Ordinal).ToList();
        var observing = observers.ToList();
        return Eventually.Until(
            async () =>
            {
                foreach (var observer in observing)
                {
                    var view = await observer.ClusterAsync();
                    if (view.Members.Count != expectedAddresses.Count || !view.UpAddresses.Order(StringComparer.Ordinal).SequenceEqual(expectedAddresses))
                    {
                        return false;
                    }
                }
                return true;
            },
            within,
            $"{string.Join(", ", observing.Select(o => o.Name))} see exactly [{string.Join(", ", expectedAddresses)}] Up",
            async () => string.Join(" | ", await Task.WhenAll(observing.Select(async o => (await o.ClusterAsync()).ToString()))));
    }

    /// <summary>The node running the projectors' singleton, as the nodes themselves report it.</summary>
    public async Task<ClusterNode?> ProjectionsNodeAsync()
    {
        foreach (var node in Running)
        {
            if ((await node.ClusterAsync()).ProjectionsHere)
            {
                return node;
            }
        }
        return null;
    }

    /// <summary>Writes the end of every node's log to the test output (call when a test fails).</summary>
    public void DumpLogs(int lines = 80)
    {
        _keepLogs = true;
        _output.WriteLine($"Full node logs kept in {_folder}");
        foreach (var node in Nodes)
        {
            _output.WriteLine($"===== {node.Name} ({node.LogPath}) =====");
            _output.WriteLine(node.LogTail(lines));
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }
        if (_keepLogs)
        {
            return ValueTask.CompletedTask;
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still being written only leaks a temp folder.
        }
        return ValueTask.CompletedTask;
    }
}
