using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using BankAccounts.Actors.Hosting;

namespace BankAccounts.Actors.Tests;

/// <summary>Remoting TLS: the node refuses to start without a usable cluster certificate, and accepts only that certificate from peers.</summary>
public sealed class RemotingTlsSpecs : IDisposable
{
    private const string Password = "s3cret \"quoted\" $pass";
    private readonly string _folder = Directory.CreateTempSubdirectory("bank-remoting-tls-").FullName;

    [Fact]
    public void Should_load_the_cluster_certificate_with_its_private_key_from_a_password_protected_pfx()
    {
        var path = WritePfx(NewCertificate(), Password);
        using var certificate = RemotingTls.LoadCertificate(Options(path, Password), TimeProvider.System);
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("CN=bank-accounts-cluster", certificate.Subject);
    }

    [Fact]
    public void Should_read_the_password_from_the_first_line_of_a_password_file_when_one_is_given()
    {
        var path = WritePfx(NewCertificate(), Password);
        var passwordFile = Path.Combine(_folder, "remoting.password");
        File.WriteAllText(passwordFile, Password + "\n");
        var options = Options(path, "not this one");
        options.CertificatePasswordFile = passwordFile;
        using var certificate = RemotingTls.LoadCertificate(options, TimeProvider.System);
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void Should_refuse_to_start_when_TLS_is_on_without_a_certificate_path()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RemotingTls.LoadCertificate(new RemotingTlsOptions { Enabled = true }, TimeProvider.System));
        Assert.Contains("BankAccounts:Cluster:Tls:CertificatePath is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_to_start_when_the_certificate_file_does_not_exist()
    {
        var path = Path.Combine(_folder, "missing.pfx");
        var error = Assert.Throws<InvalidOperationException>(() => RemotingTls.LoadCertificate(Options(path, Password), TimeProvider.System));
        Assert.Contains($"'{path}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_to_start_when_the_password_is_wrong()
    {
        var path = WritePfx(NewCertificate(), Password);
        var error = Assert.Throws<InvalidOperationException>(() => RemotingTls.LoadCertificate(Options(path, "wrong"), TimeProvider.System));
        Assert.Contains("CertificatePassword", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_to_start_when_the_file_is_not_a_pfx()
    {
        var path = Path.Combine(_folder, "cluster.pem");
        File.WriteAllText(path, NewCertificate().ExportCertificatePem());
        var error = Assert.Throws<InvalidOperationException>(() => RemotingTls.LoadCertificate(Options(path, Password), TimeProvider.System));
        Assert.Contains("cannot read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_to_start_when_the_pfx_holds_no_private_key()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(NewCertificate().RawData);
        var path = WritePfx(publicOnly, Password);
        var error = Assert.Throws<InvalidOperationException>(() => RemotingTls.LoadCertificate(Options(path, Password), TimeProvider.System));
        Assert.Contains("no private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_to_start_with_an_expired_certificate()
    {
        var path = WritePfx(NewCertificate(notAfter: DateTimeOffset.UtcNow.AddDays(-1)), Password);
        var error = Assert.Throws<InvalidOperationException>(() => RemotingTls.LoadCertificate(Options(path, Password), TimeProvider.System));
        Assert.Contains("not now", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_a_peer_presenting_the_cluster_certificate_despite_its_untrusted_self_signed_chain()
    {
        var path = WritePfx(NewCertificate(), Password);
        using var own = RemotingTls.LoadCertificate(Options(path, Password), TimeProvider.System);
        using var peersCopy = X509CertificateLoader.LoadPkcs12FromFile(path, Password);
        var validate = RemotingTls.AcceptOnlyClusterCertificate(own, TimeProvider.System);
        Assert.True(validate(peersCopy, null, "akka.ssl.tcp://bank-accounts@peer:4053", SslPolicyErrors.RemoteCertificateChainErrors, NoLogger.Instance));
    }

    [Fact]
    public void Should_refuse_a_peer_presenting_another_certificate_even_with_the_same_subject_or_a_clean_chain()
    {
        using var own = NewCertificate();
        using var other = NewCertificate();
        var validate = RemotingTls.AcceptOnlyClusterCertificate(own, TimeProvider.System);
        Assert.False(validate(other, null, "peer", SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(validate(null, null, "peer", SslPolicyErrors.RemoteCertificateNotAvailable, NoLogger.Instance));
    }

    [Theory]
    [InlineData(true, "akka.ssl.tcp://bank-accounts@node1:4053", true)]
    [InlineData(true, "akka.tcp://bank-accounts@node1:4053", false)]
    [InlineData(false, "akka.tcp://bank-accounts@node1:4053", true)]
    [InlineData(false, "akka.ssl.tcp://bank-accounts@node1:4053", false)]
    public void Should_require_seed_nodes_in_the_scheme_of_the_transport(bool tls, string seed, bool accepted)
    {
        var options = new ClusterNodeOptions { SeedNodes = [seed], Tls = new RemotingTlsOptions { Enabled = tls } };
        var error = Record.Exception(() => RemotingTls.CheckSeedNodes(options));
        Assert.Equal(accepted, error is null);
        if (!accepted)
        {
            Assert.Contains(seed, Assert.IsType<InvalidOperationException>(error).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("127.0.0.1", false, false, true)]
    [InlineData("localhost", false, false, true)]
    [InlineData("::1", false, false, true)]
    [InlineData("0.0.0.0", false, false, false)]
    [InlineData("10.1.2.3", false, false, false)]
    [InlineData("node1", false, false, false)]
    [InlineData("0.0.0.0", true, false, true)]
    [InlineData("0.0.0.0", false, true, true)]
    public void Should_refuse_plain_remoting_beyond_loopback_unless_allowed(string hostname, bool tls, bool allowPlaintext, bool accepted)
    {
        var options = new ClusterNodeOptions { Hostname = hostname, Tls = new RemotingTlsOptions { Enabled = tls, AllowPlaintext = allowPlaintext } };

        var error = Record.Exception(() => RemotingTls.CheckExposure(options));

        Assert.Equal(accepted, error is null);
        if (!accepted)
        {
            Assert.Contains("AllowPlaintext", Assert.IsType<InvalidOperationException>(error).Message, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static RemotingTlsOptions Options(string path, string password) => new() { Enabled = true, CertificatePath = path, CertificatePassword = password };

    private static X509Certificate2 NewCertificate(DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=bank-accounts-cluster", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(1);
        return request.CreateSelfSigned(end.AddDays(-30), end);
    }

    private string WritePfx(X509Certificate2 certificate, string password)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }
}
