using BankAccounts.Api.Security;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BankAccounts.Cluster.Tests.Infrastructure;

namespace BankAccounts.Cluster.Tests;

/// <summary>
/// Remoting over mutual TLS: three processes holding the cluster certificate form a cluster and serve accounts;
/// a connection without it, with another certificate, or a whole node with another certificate is refused.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RemotingTlsSpecs(ClusterEnvironment environment, ITestOutputHelper output) : IDisposable
{
    private const string Password = "cluster \"secret\" $1";
    private static readonly TimeSpan RefusalDeadline = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("bank-remoting-tls-").FullName;

    [Fact]
    public async Task Should_form_a_cluster_over_mutual_TLS_serve_accounts_on_every_node_and_refuse_peers_without_the_cluster_certificate()
    {
        using var clusterCertificate = NewCertificate();
        var clock = Stopwatch.StartNew();
        await using var cluster = await TestCluster.StartAsync(environment.Postgres, environment.Binaries, output, extraSettings: TlsSettings(clusterCertificate, "cluster"));
        var started = clock.Elapsed;
        try
        {
            var nodes = cluster.Nodes;
            Assert.All(cluster.SeedNodes, seed => Assert.StartsWith("akka.ssl.tcp://", seed, StringComparison.Ordinal));

            // Accounts opened through every node, deposits sent through the others: commands cross nodes over TLS.
            var accounts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => BankApi.OpenAccountAsync(nodes[i % 3].Http, $"tls-owner-{i}")));
            for (var i = 0; i < accounts.Length; i++)
            {
                using var response = await BankApi.DepositAsync(nodes[(i + 1) % 3].Http, accounts[i], 10m + i, $"tls-{i}");
                await BankApi.ExpectAsync(response, HttpStatusCode.OK);
            }
            foreach (var (account, i) in accounts.Select((a, i) => (a, i)))
            {
                foreach (var node in nodes)
                {
                    await Eventually.Until(
                        async () => await BankApi.ReadModelAccountAsync(node.Http, account, 2) == (10m + i, 2L),
                        TimeSpan.FromSeconds(30), $"{node.Name} shows {account} with {10m + i}");
                }
            }
            var hosted = await Task.WhenAll(nodes.Select(n => n.HostedAccountsAsync()));
            Assert.True(hosted.Count(h => h.Count > 0) >= 2, "6 accounts should spread over at least two of three nodes.");
            var served = clock.Elapsed;

            // A raw TLS client (trusting any server) without a certificate, then with a foreign one: the node refuses both.
            var target = nodes[0];
            Assert.NotNull(await HandshakeFailureAsync(target.AkkaPort, clientCertificate: null));
            await Eventually.Until(
                () => Task.FromResult(target.LogTail(int.MaxValue).Contains("did not provide a certificate", StringComparison.Ordinal)),
                RefusalDeadline, $"{target.Name} logs refusing a client without certificate");
            using var foreign = NewCertificate();
            Assert.NotNull(await HandshakeFailureAsync(target.AkkaPort, foreign));
            await Eventually.Until(
                () => Task.FromResult(target.LogTail(int.MaxValue).Contains(Sha256(foreign), StringComparison.Ordinal)),
                RefusalDeadline, $"{target.Name} logs refusing the foreign certificate {Sha256(foreign)}");

            // A real node with TLS on but another certificate tries to join through the seeds: refused, the cluster stays three.
            using var intruderCertificate = NewCertificate();
            var intruderSettings = new Dictionary<string, string>(TlsSettings(intruderCertificate, "intruder"))
            {
                ["BankAccounts__Journal__Provider"] = "PostgreSql",
                ["BankAccounts__Journal__ConnectionString"] = await environment.Postgres.CreateDatabaseAsync("journal"),
                ["BankAccounts__ReadModel__Provider"] = "PostgreSql",
                ["BankAccounts__ReadModel__ConnectionString"] = await environment.Postgres.CreateDatabaseAsync("readmodel"),
            };
            using var intruder = new ClusterNode(9, environment.Binaries.DllPath, Path.Combine(_folder, "intruder"), intruderSettings, UnusedTokens());
            intruder.Start(cluster.SeedNodes);
            // Akka.Remote 1.5.74 stops a node whose outbound TLS handshake fails (CoordinatedShutdown, exit code 79):
            // the intruder refuses the cluster's certificate as the cluster refuses its own, and stops.
            var refusedAfter = await Eventually.Until(() => Task.FromResult(!intruder.IsRunning), RefusalDeadline, "the refused intruder stops");
            // The refusal is logged by whichever side validated first: the intruder (the cluster's certificate hash; Akka
            // logs asynchronously, so its exit can cut the line off, as seen once under load) or a node that saw the
            // intruder's certificate.
            await Eventually.Until(
                () => Task.FromResult(intruder.LogTail(int.MaxValue).Contains(Sha256(clusterCertificate), StringComparison.Ordinal)
                    || nodes.Any(n => n.LogTail(int.MaxValue).Contains(Sha256(intruderCertificate), StringComparison.Ordinal))),
                RefusalDeadline, "the refusal of the intruder's certificate is logged");
            Assert.DoesNotContain("Welcome from", intruder.LogTail(int.MaxValue), StringComparison.Ordinal);
            Assert.All(nodes, n => Assert.True(n.IsRunning, $"{n.Name} should survive the intruder"));
            await cluster.WaitUntilMembersAsync(nodes, nodes, TimeSpan.FromSeconds(10));

            output.WriteLine(
                $"TLS cluster of 3 up in {started.TotalSeconds:0.0} s; 6 accounts served on every node {(served - started).TotalSeconds:0.0} s later; " +
                $"the intruder node stopped itself {refusedAfter.TotalSeconds:0.0} s after it started.");
        }
        catch
        {
            cluster.DumpLogs();
            throw;
        }
    }

    [Fact]
    public async Task Should_stop_at_start_with_a_clear_message_when_TLS_is_on_and_the_certificate_is_missing()
    {
        var missing = Path.Combine(_folder, "missing.pfx");
        using var node = new ClusterNode(1, environment.Binaries.DllPath, Path.Combine(_folder, "no-certificate"), new Dictionary<string, string>
        {
            ["BankAccounts__Cluster__Tls__Enabled"] = "true",
            ["BankAccounts__Cluster__Tls__CertificatePath"] = missing,
        }, UnusedTokens());
        node.Start([]);
        var exitedAfter = await Eventually.Until(() => Task.FromResult(!node.IsRunning), TimeSpan.FromSeconds(60), "the node without its certificate exits");
        Assert.Contains($"BankAccounts:Cluster:Tls:CertificatePath: the remoting certificate '{missing}' does not exist.", node.LogTail(int.MaxValue), StringComparison.Ordinal);
        output.WriteLine($"Exited {exitedAfter.TotalSeconds:0.0} s after start.");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still being written only leaks a temp folder.
        }
    }

    /// <summary>The cluster certificate as the test's nodes get it: a password-protected PFX in the test's folder.</summary>
    private Dictionary<string, string> TlsSettings(X509Certificate2 certificate, string name)
    {
        var path = Path.Combine(_folder, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return new Dictionary<string, string>
        {
            ["BankAccounts__Cluster__Tls__Enabled"] = "true",
            ["BankAccounts__Cluster__Tls__CertificatePath"] = path,
            ["BankAccounts__Cluster__Tls__CertificatePassword"] = Password,
        };
    }

    private static X509Certificate2 NewCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=bank-accounts-cluster", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false) /* server and client authentication */);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static string Sha256(X509Certificate2 certificate) => Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>
    /// Connects to a node's remoting port as a TLS client that trusts any server, presenting <paramref name="clientCertificate"/>.
    /// Returns how the node refused; null if it kept the connection open (with TLS 1.3 the server judges the client
    /// certificate after the client's handshake completes, so its refusal arrives on the first read).
    /// </summary>
    private static async Task<Exception?> HandshakeFailureAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "bank-accounts-cluster",
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
            });
            var read = await tls.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            return read == 0 ? new EndOfStreamException("the node closed the connection") : null;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return e;
        }
    }

    /// <summary>Tokens for a node nobody sends a request to (it never gets that far).</summary>
    private TokenIssuer UnusedTokens() =>
        TokenIssuer.From(new SecurityOptions { SigningKeyFile = Path.Combine(_folder, "unused-jwt-signing-key.pem") });
}
