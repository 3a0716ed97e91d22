using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;

namespace BankAccounts.Actors.Hosting;

/// <summary>
/// TLS for Akka remoting (DotNetty transport), from <see cref="RemotingTlsOptions"/>.
/// <para>
/// Why a validator of our own: with <c>suppress-validation = false</c> Akka.Remote 1.5.74 accepts a peer only if its
/// certificate chains to a root the machine trusts (host name ignored), so a self-signed cluster certificate is refused
/// unless it is installed as a trusted root on every node; with <c>suppress-validation = true</c> it accepts any
/// certificate at all, so anyone with any self-signed certificate could join. Instead every node presents the same
/// cluster certificate, mutual TLS is required (a connecting node must present it too), and
/// <see cref="AcceptOnlyClusterCertificate"/> accepts exactly that certificate (its SHA-256 hash) while it is valid.
/// The TLS handshake itself proves the peer holds the certificate's private key.
/// </para>
/// </summary>
public static class RemotingTls
{
    public const string SectionName = BankAccountsOptions.SectionName + ":Cluster:Tls";

    /// <summary>Address scheme of a node with TLS on (Akka.Remote names it after the transport), and without.</summary>
    public const string TlsScheme = "akka.ssl.tcp";

    public const string PlainScheme = "akka.tcp";

    /// <summary>The typed Akka.Remote.Hosting SSL options for the node; throws at start when the certificate is unusable.</summary>
    public static SslOptions SslOptions(RemotingTlsOptions options, TimeProvider clock)
    {
        var certificate = LoadCertificate(options, clock);
        return new SslOptions
        {
            X509Certificate = certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            // Every node presents the one cluster certificate: a host name in it would match one node at most.
            ValidateCertificateHostname = false,
            CustomValidator = AcceptOnlyClusterCertificate(certificate, clock),
        };
    }

    /// <summary>Loads the cluster certificate with its private key, or fails with a message naming the setting to fix.</summary>
    public static X509Certificate2 LoadCertificate(RemotingTlsOptions options, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            throw new InvalidOperationException(
                $"{SectionName}:Enabled is true but {SectionName}:CertificatePath is not set: it must name the cluster certificate, a PFX / PKCS#12 file with its private key (scripts/make-remoting-cert.sh makes one).");
        }
        var path = Path.GetFullPath(options.CertificatePath);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{SectionName}:CertificatePath: the remoting certificate '{path}' does not exist.");
        }
        var password = options.CertificatePassword;
        if (!string.IsNullOrEmpty(options.CertificatePasswordFile))
        {
            var passwordPath = Path.GetFullPath(options.CertificatePasswordFile);
            if (!File.Exists(passwordPath))
            {
                throw new InvalidOperationException($"{SectionName}:CertificatePasswordFile: '{passwordPath}' does not exist.");
            }
            password = File.ReadLines(passwordPath).FirstOrDefault() ?? "";
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"{SectionName}:CertificatePath: cannot read '{path}' as a PFX / PKCS#12 file with the configured {SectionName}:CertificatePassword or CertificatePasswordFile ({e.Message}).", e);
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{SectionName}:CertificatePath: '{path}' holds no private key; a node must prove it holds the cluster certificate's key.");
        }
        var now = clock.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            var message = $"{SectionName}:CertificatePath: the remoting certificate '{path}' is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now.";
            certificate.Dispose();
            throw new InvalidOperationException(message);
        }
        return certificate;
    }

    /// <summary>
    /// Accepts a peer (inbound and outbound) only if it presents exactly <paramref name="clusterCertificate"/>, within its
    /// validity. The chain errors .NET reports for a self-signed certificate (untrusted root) and host name mismatches are
    /// deliberately not consulted: the byte-for-byte pin is stricter than a chain to any trusted root.
    /// </summary>
    public static CertificateValidationCallback AcceptOnlyClusterCertificate(X509Certificate2 clusterCertificate, TimeProvider clock)
    {
        var expected = clusterCertificate.GetCertHash(HashAlgorithmName.SHA256);
        var expectedHex = Convert.ToHexString(expected);
        return (certificate, _, peer, _, log) =>
        {
            if (certificate is null)
            {
                log.Warning("Remoting TLS: refused {0}: it presented no certificate.", peer);
                return false;
            }
            var actual = certificate.GetCertHash(HashAlgorithmName.SHA256);
            if (!CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                log.Warning(
                    "Remoting TLS: refused {0}: its certificate {1} (SHA-256 {2}) is not the cluster certificate (SHA-256 {3}).",
                    peer, certificate.Subject, Convert.ToHexString(actual), expectedHex);
                return false;
            }
            var now = clock.GetUtcNow();
            if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            {
                log.Warning("Remoting TLS: refused {0}: the cluster certificate is valid only until {1:u}.", peer, certificate.NotAfter.ToUniversalTime());
                return false;
            }
            return true;
        };
    }

    /// <summary>Seed nodes must use the scheme the node's transport speaks, else the node would wait for them forever.</summary>
    /// <summary>
    /// Plain remoting only on loopback (the embedded single node, local test clusters) unless explicitly
    /// allowed: whoever reaches a plaintext remoting port can send any node any command.
    /// </summary>
    public static void CheckExposure(ClusterNodeOptions options)
    {
        var loopback = options.Hostname == "localhost"
            || (System.Net.IPAddress.TryParse(options.Hostname, out var address) && System.Net.IPAddress.IsLoopback(address));
        if (!options.Tls.Enabled && !options.Tls.AllowPlaintext && !loopback)
        {
            throw new InvalidOperationException(
                $"{SectionName}:Enabled is false but {BankAccountsOptions.SectionName}:Cluster:Hostname '{options.Hostname}' is not a loopback address: " +
                $"turn remoting TLS on (scripts/make-remoting-cert.sh), or set {SectionName}:AllowPlaintext=true on a network you trust.");
        }
    }

    public static void CheckSeedNodes(ClusterNodeOptions options)
    {
        var scheme = (options.Tls.Enabled ? TlsScheme : PlainScheme) + "://";
        var wrong = options.SeedNodes.Where(s => !s.StartsWith(scheme, StringComparison.Ordinal)).ToList();
        if (wrong.Count > 0)
        {
            throw new InvalidOperationException(
                $"{SectionName}:Enabled is {(options.Tls.Enabled ? "true" : "false")}, so every seed node must be a {scheme} address; these are not: {string.Join(", ", wrong)}.");
        }
    }
}
