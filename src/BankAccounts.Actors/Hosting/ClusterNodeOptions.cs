namespace BankAccounts.Actors.Hosting;

/// <summary>This node's place in the cluster (configuration section <c>BankAccounts:Cluster</c>).</summary>
public sealed class ClusterNodeOptions
{
    /// <summary>Address the node listens on for other nodes.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port: fine for a single node, a cluster needs fixed ports.</summary>
    public int Port { get; set; }

    /// <summary>Address other nodes use to reach this one, when it differs from <see cref="Hostname"/> (containers).</summary>
    public string? PublicHostname { get; set; }

    /// <summary>Akka addresses (<c>akka.tcp://bank-accounts@host:port</c>). Empty: the node forms a cluster of its own.</summary>
    public string[] SeedNodes { get; set; } = [];
}
