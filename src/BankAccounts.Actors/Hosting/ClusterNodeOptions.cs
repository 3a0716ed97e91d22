namespace BankAccounts.Actors.Hosting;

/// <summary>How the cluster decides which side of a partition (or which crashed node) is downed.</summary>
public enum SplitBrainStrategy
{
    /// <summary>
    /// The side with more than half of the last known members survives (ties: the side with the lowest
    /// address). Any single node of three may die; no external lease is needed. The default.
    /// </summary>
    KeepMajority = 0,

    /// <summary>The side with the oldest node (where the singletons run) survives; an isolated oldest node downs itself.</summary>
    KeepOldest = 1,
}

/// <summary>This node's place in the cluster (configuration section <c>BankAccounts:Cluster</c>).</summary>
public sealed class ClusterNodeOptions
{
    /// <summary>Address the node listens on for other nodes (<c>0.0.0.0</c> in a container).</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port: fine for a single node, a cluster needs fixed ports.</summary>
    public int Port { get; set; }

    /// <summary>Address other nodes use to reach this one, when it differs from <see cref="Hostname"/> (containers).</summary>
    public string? PublicHostname { get; set; }

    /// <summary>
    /// Akka addresses (<c>akka.tcp://bank-accounts@host:port</c>, <c>akka.ssl.tcp://…</c> with <see cref="Tls"/> on), the
    /// same list on every node. Empty: the node forms a cluster of its own. The first seed forms the cluster when no
    /// other seed answers.
    /// </summary>
    public string[] SeedNodes { get; set; } = [];

    /// <summary>Which nodes are downed when some become unreachable (tuning: <c>config/akka.hocon</c>, <c>split-brain-resolver</c>).</summary>
    public SplitBrainStrategy SplitBrainResolver { get; set; } = SplitBrainStrategy.KeepMajority;

    /// <summary>TLS between the nodes (off by default).</summary>
    public RemotingTlsOptions Tls { get; set; } = new();
}
