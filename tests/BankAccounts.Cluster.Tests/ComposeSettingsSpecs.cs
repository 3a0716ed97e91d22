using System.Text.RegularExpressions;
using BankAccounts.Actors.Hosting;
using BankAccounts.Actors.Persistence;
using BankAccounts.Api;
using BankAccounts.Api.Cli;
using BankAccounts.Api.Security;
using BankAccounts.Cluster.Tests.Infrastructure;
using BankAccounts.ReadModel.Storage;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BankAccounts.Cluster.Tests;

/// <summary>
/// docker-compose.yml (and scripts/cluster.sh) configure the app through environment variables; a typo
/// there is silently ignored by the app. These specs bind every name to the app's real options classes.
/// </summary>
public sealed partial class ComposeSettingsSpecs
{
    /// <summary>Host settings that are not the app's own section but that ASP.NET Core reads.</summary>
    private static readonly string[] HostSettingPrefixes = ["ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_", "Logging__"];

    private static readonly Lazy<YamlMappingNode> Compose = new(LoadCompose);

    public static TheoryData<string> NodeServices() => [.. NodeServiceNames()];

    [Theory]
    [MemberData(nameof(NodeServices))]
    public void Should_bind_every_BankAccounts_setting_of_a_node_service_to_a_real_option(string service)
    {
        var configuration = ToConfiguration(Environment(service));

        // The same sections BankAccountsApp binds, with unknown keys an error instead of ignored.
        var options = Bind<BankAccountsOptions>(WriteSide(configuration));
        var readModel = Bind<ReadModelOptions>(configuration.GetSection(BankAccountsApp.ReadModelSectionName));
        Bind<SecurityOptions>(configuration.GetSection(SecurityOptions.SectionName));
        Assert.Empty(Bind<Api.Telemetry.TelemetryOptions>(configuration.GetSection(Api.Telemetry.TelemetryOptions.SectionName)).Problems());

        Assert.Equal((StorageProvider.PostgreSql, StorageProvider.PostgreSql), (options.Journal.Provider, readModel.Provider));
        Assert.True(options.Cluster.Port > 0, "A cluster node needs a fixed remoting port.");
        Assert.Equal(NodeServiceNames().Count(), options.Cluster.SeedNodes.Length);
        Assert.Equal(service, options.Cluster.PublicHostname);
    }

    [Theory]
    [MemberData(nameof(NodeServices))]
    public void Should_use_only_host_settings_ASP_NET_Core_reads_besides_the_app_section(string service)
    {
        var foreign = Environment(service).Keys
            .Where(k => !k.StartsWith(BankAccountsOptions.SectionName + "__", StringComparison.Ordinal))
            .Where(k => !HostSettingPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)))
            .ToList();
        Assert.True(foreign.Count == 0, $"{service} sets variables nothing reads: {string.Join(", ", foreign)}");
    }

    [Fact]
    public void Should_point_every_seed_node_at_a_node_service_and_its_remoting_port()
    {
        var nodes = NodeServiceNames().ToDictionary(s => s, s => Bind<BankAccountsOptions>(WriteSide(ToConfiguration(Environment(s)))));
        foreach (var (service, options) in nodes)
        {
            foreach (var seed in options.Cluster.SeedNodes)
            {
                var match = SeedNodePattern().Match(seed);
                Assert.True(match.Success, $"{service}: seed '{seed}' is not akka[.ssl].tcp://system@host:port");
                Assert.Equal(options.Cluster.Tls.Enabled ? RemotingTls.TlsScheme : RemotingTls.PlainScheme, match.Groups["scheme"].Value);
                Assert.Equal(BankAccountsOptions.ActorSystemName, match.Groups["system"].Value);
                var host = match.Groups["host"].Value;
                Assert.True(nodes.ContainsKey(host), $"{service}: seed host '{host}' is not a node service");
                Assert.Equal(nodes[host].Cluster.Port, int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            Assert.Equal(nodes.Values.First().Cluster.SeedNodes, options.Cluster.SeedNodes); // same list, same order, everywhere
        }
    }

    [Fact]
    public void Should_point_every_node_at_one_signing_key_file_on_a_volume_they_all_mount()
    {
        var keyFiles = NodeServiceNames()
            .Select(s => Bind<SecurityOptions>(ToConfiguration(Environment(s)).GetSection(SecurityOptions.SectionName)).SigningKeyFile)
            .Distinct()
            .ToList();
        var keyFile = Assert.Single(keyFiles);
        Assert.True(Path.IsPathRooted(keyFile), $"'{keyFile}' would be relative to each container's working directory.");
        foreach (var service in NodeServiceNames())
        {
            var volumes = ((YamlSequenceNode)Child(Service(service), "volumes")).Children.Select(v => v.ToString().Split(':')).ToList();
            Assert.Contains(volumes, v => v.Length >= 2 && ((YamlMappingNode)Child(Compose.Value, "volumes")).Children.ContainsKey(new YamlScalarNode(v[0]))
                && keyFile.StartsWith(v[1].TrimEnd('/') + "/", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(NodeServices))]
    public void Should_health_check_a_node_with_the_app_probe_on_its_readiness_endpoint_after_postgres_is_healthy(string service)
    {
        var definition = Service(service);
        var test = ((YamlSequenceNode)Child(Child(definition, "healthcheck"), "test")).Children.Select(n => n.ToString()).ToList();
        var url = new Uri(Environment(service)["ASPNETCORE_URLS"]);
        Assert.Equal(["CMD", "dotnet", "BankAccounts.Api.dll", HealthProbe.Argument, $"http://127.0.0.1:{url.Port}/health/ready"], test);
        Assert.Equal("service_healthy", Child(Child(Child(definition, "depends_on"), "postgres"), "condition").ToString());
        Assert.Equal(".", Child(definition, "build").ToString());
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"BankAccounts.Api.dll\"]", File.ReadAllText(Repository.File("Dockerfile")), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_connect_nodes_to_databases_the_postgres_service_creates()
    {
        var postgres = Service("postgres");
        Assert.True(postgres.Children.ContainsKey("healthcheck"), "The postgres service needs a health check for depends_on.");
        var postgresEnvironment = (YamlMappingNode)Child(postgres, "environment");
        var created = new HashSet<string>(StringComparer.Ordinal) { postgresEnvironment.Children[new YamlScalarNode("POSTGRES_DB")].ToString() };
        foreach (Match match in CreateDatabasePattern().Matches(File.ReadAllText(Repository.File("deploy/postgres/init.sql"))))
        {
            created.Add(match.Groups["name"].Value);
        }
        foreach (var service in NodeServiceNames())
        {
            var environment = Environment(service);
            foreach (var key in new[] { "BankAccounts__Journal__ConnectionString", "BankAccounts__ReadModel__ConnectionString" })
            {
                var connection = new Npgsql.NpgsqlConnectionStringBuilder(environment[key]);
                Assert.Equal("postgres", connection.Host);
                Assert.Contains(connection.Database!, created);
                Assert.Equal(postgresEnvironment.Children[new YamlScalarNode("POSTGRES_USER")].ToString(), connection.Username);
            }
        }
    }

    [Theory]
    [MemberData(nameof(NodeServices))]
    public void Should_run_remoting_over_TLS_with_the_certificate_mounted_as_secrets_from_a_folder_git_ignores(string service)
    {
        var options = Bind<BankAccountsOptions>(WriteSide(ToConfiguration(Environment(service))));
        var tls = options.Cluster.Tls;
        Assert.True(tls.Enabled, $"{service}: remoting between the nodes must use TLS.");
        var mounted = ((YamlSequenceNode)Child(Service(service), "secrets")).Children.Select(n => n.ToString()).ToHashSet(StringComparer.Ordinal);
        var ignored = File.ReadAllLines(Repository.File(".gitignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var path in new[] { tls.CertificatePath, tls.CertificatePasswordFile })
        {
            Assert.NotNull(path);
            Assert.StartsWith("/run/secrets/", path, StringComparison.Ordinal);
            var secret = path["/run/secrets/".Length..];
            Assert.Contains(secret, mounted);
            var file = Child(Child(Child(Compose.Value, "secrets"), secret), "file").ToString();
            var folder = Path.GetDirectoryName(file)!.Replace('\\', '/').TrimStart('.', '/') + "/";
            Assert.Contains(folder, ignored); // a private key must never be committed
        }
        Assert.Null(tls.CertificatePassword); // the password comes from the secret file, not the environment
    }

    [Fact]
    public void Should_use_only_real_setting_names_in_the_local_cluster_script()
    {
        var names = SettingNamePattern().Matches(File.ReadAllText(Repository.Script("cluster.sh"))).Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(names);
        var configuration = ToConfiguration(names.ToDictionary(n => n, SampleValue));
        Bind<BankAccountsOptions>(WriteSide(configuration));
        Bind<ReadModelOptions>(configuration.GetSection(BankAccountsApp.ReadModelSectionName));
        Bind<SecurityOptions>(configuration.GetSection(SecurityOptions.SectionName));
        Assert.Empty(Bind<Api.Telemetry.TelemetryOptions>(configuration.GetSection(Api.Telemetry.TelemetryOptions.SectionName)).Problems());
    }

    /// <summary>A value of the right type for the setting, so binding checks the name (the script computes the real values).</summary>
    private static string SampleValue(string name) => name switch
    {
        _ when name.EndsWith("__Port", StringComparison.Ordinal) => "4051",
        _ when name.EndsWith("__Provider", StringComparison.Ordinal) => nameof(StorageProvider.PostgreSql),
        _ when name.EndsWith("__Enabled", StringComparison.Ordinal) => "true",
        _ => "x",
    };

    private static T Bind<T>(IConfiguration section)
        where T : new()
    {
        var options = new T();
        section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        return options;
    }

    /// <summary>Environment variable names become configuration keys exactly as in the app (<c>__</c> is <c>:</c>).</summary>
    private static IConfigurationRoot ToConfiguration(IReadOnlyDictionary<string, string> environment) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .Build();

    /// <summary>The <c>BankAccounts</c> section without the subsections the app binds to options of their own.</summary>
    private static IConfigurationSection WriteSide(IConfigurationRoot configuration) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.AsEnumerable()
                .Where(e => e.Value is not null)
                .Where(e => !new[] { BankAccountsApp.ReadModelSectionName, SecurityOptions.SectionName, Api.Telemetry.TelemetryOptions.SectionName }
                    .Any(section => e.Key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))))
            .Build()
            .GetSection(BankAccountsOptions.SectionName);

    private static IEnumerable<string> NodeServiceNames() =>
        ((YamlMappingNode)Child(Compose.Value, "services")).Children
            .Where(s => ((YamlMappingNode)s.Value).Children.ContainsKey("build"))
            .Select(s => s.Key.ToString());

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Child(Child(Compose.Value, "services"), name);

    private static Dictionary<string, string> Environment(string service) => Child(Service(service), "environment") switch
    {
        YamlMappingNode map => map.Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString()),
        YamlSequenceNode list => list.Children.Select(e => e.ToString().Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : ""),
        var other => throw new InvalidOperationException($"Unexpected environment node {other}"),
    };

    private static YamlNode Child(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new Xunit.Sdk.XunitException($"docker-compose.yml: no '{key}' in {node.Start}");

    private static YamlMappingNode LoadCompose()
    {
        using var reader = new StreamReader(Repository.File("docker-compose.yml"));
        var yaml = new YamlStream();
        yaml.Load(new MergingParser(new Parser(reader))); // resolves the <<: *anchors the node services share
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    [GeneratedRegex(@"^(?<scheme>akka(\.ssl)?\.tcp)://(?<system>[^@]+)@(?<host>[^:]+):(?<port>\d+)$")]
    private static partial Regex SeedNodePattern();

    [GeneratedRegex(@"BankAccounts__[A-Za-z0-9_]+")]
    private static partial Regex SettingNamePattern();

    [GeneratedRegex(@"CREATE DATABASE (?<name>\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateDatabasePattern();
}
