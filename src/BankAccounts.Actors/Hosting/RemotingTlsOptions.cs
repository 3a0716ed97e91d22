namespace BankAccounts.Actors.Hosting;

/// <summary>
/// TLS for Akka remoting between the nodes (configuration section <c>BankAccounts:Cluster:Tls</c>). Every node
/// presents the same cluster certificate (PKCS#12, made by <c>scripts/make-remoting-cert.sh</c>) and accepts a
/// peer only if it presents that very certificate and proves it holds its private key (mutual TLS).
/// </summary>
public sealed class RemotingTlsOptions
{
    /// <summary>Off by default: a single embedded node has no peers. On, seed nodes are <c>akka.ssl.tcp://</c> addresses.</summary>
    public bool Enabled { get; set; }

    /// <summary>The cluster certificate with its private key, a PFX / PKCS#12 file; the same file on every node.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of the PFX file (empty for none).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>A file holding the password instead (a container secret); its first line is the password.</summary>
    public string? CertificatePasswordFile { get; set; }

    /// <summary>
    /// Lets remoting run without TLS on an address other than loopback (a private network you trust
    /// with every account: anyone who reaches the port can speak as any node). Off: such a node refuses to start.
    /// </summary>
    public bool AllowPlaintext { get; set; }
}
