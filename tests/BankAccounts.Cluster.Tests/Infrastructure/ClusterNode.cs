using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BankAccounts.Api.Security;
using BankAccounts.Domain.Security;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>One API host as a separate OS process (<c>dotnet BankAccounts.Api.dll</c>), configured like a compose service.</summary>
public sealed class ClusterNode : IDisposable
{
    private static readonly HashSet<ClusterNode> Alive = [];
    private readonly string _dll;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;

    /// <param name="tokens">Mints tokens with the signing key file every node of the cluster is pointed at.</param>
    public ClusterNode(int index, string dll, string folder, IReadOnlyDictionary<string, string> settings, TokenIssuer tokens)
    {
        Index = index;
        _dll = dll;
        Folder = folder;
        HttpPort = Ports.Free();
        AkkaPort = Ports.Free();
        _settings = settings;
        Http = Client(tokens, Role.Teller, "cluster-tests-teller");
        Admin = Client(tokens, Role.Admin, "cluster-tests-admin");
        Directory.CreateDirectory(folder);
        lock (Alive)
        {
            Alive.Add(this);
        }
    }

    static ClusterNode() =>
        // A test run that ends without disposing its clusters (aborted, crashed) must not leave nodes running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (Alive)
            {
                foreach (var node in Alive)
                {
                    node.Kill();
                }
            }
        };

    public int Index { get; }

    public string DllPath => _dll;

    public string Name => $"node{Index}";

    public int HttpPort { get; }

    public int AkkaPort { get; }

    /// <summary>A node with remoting TLS on has an <c>akka.ssl.tcp</c> address.</summary>
    public string AkkaAddress => $"{(UsesTls ? "akka.ssl.tcp" : "akka.tcp")}://bank-accounts@127.0.0.1:{AkkaPort}";

    private bool UsesTls => _settings.TryGetValue("BankAccounts__Cluster__Tls__Enabled", out var enabled) && bool.TryParse(enabled, out var on) && on;

    public string Folder { get; }

    public string LogPath => Path.Combine(Folder, $"{Name}.log");

    /// <summary>A teller: opens accounts, moves money and reads any account.</summary>
    public HttpClient Http { get; }

    /// <summary>An admin: cluster status, shards and projections.</summary>
    public HttpClient Admin { get; }

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => _process?.Id;

    /// <summary>The environment a container would get: the app's own setting names, nothing test-specific.</summary>
    public IReadOnlyDictionary<string, string> Environment(IReadOnlyList<string> seedNodes)
    {
        var environment = new Dictionary<string, string>(_settings)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{HttpPort}",
            ["BankAccounts__Cluster__Hostname"] = "127.0.0.1",
            ["BankAccounts__Cluster__Port"] = AkkaPort.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < seedNodes.Count; i++)
        {
            environment[$"BankAccounts__Cluster__SeedNodes__{i}"] = seedNodes[i];
        }
        return environment;
    }

    public void Start(IReadOnlyList<string> seedNodes)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }
        // exec: the process we hold is dotnet itself, so signals reach the host and not a shell.
        var start = new ProcessStartInfo("bash") { WorkingDirectory = Folder, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec dotnet \"$0\" >>\"$1\" 2>&1 </dev/null");
        start.ArgumentList.Add(_dll);
        start.ArgumentList.Add(LogPath);
        foreach (var (key, value) in Environment(seedNodes))
        {
            start.Environment[key] = value;
        }
        File.AppendAllText(LogPath, $"---- {Name} starting at {DateTimeOffset.UtcNow:O}{System.Environment.NewLine}");
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Name}.");
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (Up in the cluster, both databases reachable).</summary>
    public Task<TimeSpan> WaitReadyAsync(TimeSpan within) =>
        Eventually.Until(
            async () =>
            {
                if (!IsRunning)
                {
                    Assert.Fail($"{Name} exited with {_process?.ExitCode}: {LogTail(40)}");
                }
                using var response = await Http.GetAsync("/health/ready");
                return response.IsSuccessStatusCode;
            },
            within, $"{Name} is ready", async () => await Http.GetStringAsync("/health/ready"), TimeSpan.FromMilliseconds(200));

    /// <summary>SIGKILL: a crash, nothing is flushed or handed over.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, as docker stop or systemd send: the host stops and the node leaves the cluster. Returns the exit code.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan within)
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} was never started.");
        if (process.HasExited)
        {
            return process.ExitCode;
        }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Name} did not exit within {within.TotalSeconds:0} s of SIGTERM: {LogTail(40)}");
        }
        return process.ExitCode;
    }

    public async Task<ClusterView> ClusterAsync() =>
        await Admin.GetFromJsonAsync<ClusterView>("/cluster") ?? throw new InvalidOperationException("Empty /cluster answer.");

    public async Task<IReadOnlySet<string>> HostedAccountsAsync()
    {
        var shards = await Admin.GetFromJsonAsync<ShardsView>("/cluster/shards") ?? throw new InvalidOperationException("Empty /cluster/shards answer.");
        return shards.Shards.SelectMany(s => s.EntityIds).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Tokens live for hours: a cluster test runs for minutes.</summary>
    private HttpClient Client(TokenIssuer tokens, Role role, string subject) => new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"),
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue(new Principal(subject, role), TimeSpan.FromHours(4))) },
    };

    public string LogTail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    public void Dispose()
    {
        lock (Alive)
        {
            Alive.Remove(this);
        }
        Kill();
        _process?.Dispose();
        Http.Dispose();
        Admin.Dispose();
    }
}

public sealed record ClusterMemberView(string Address, string Status, bool Reachable);

public sealed record ClusterView(string Self, string Status, string? Leader, bool ProjectionsHere, IReadOnlyList<ClusterMemberView> Members)
{
    public IEnumerable<string> UpAddresses => Members.Where(m => m.Status == "Up" && m.Reachable).Select(m => m.Address);

    public override string ToString() =>
        $"{Self} {Status}, projections here: {ProjectionsHere}, members: {string.Join(", ", Members.Select(m => $"{m.Address} {m.Status}{(m.Reachable ? "" : " unreachable")}"))}";
}

public sealed record ShardView(string ShardId, IReadOnlyList<string> EntityIds);

public sealed record ShardsView(string Self, IReadOnlyList<ShardView> Shards);
