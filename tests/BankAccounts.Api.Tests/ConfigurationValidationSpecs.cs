using System.Text.RegularExpressions;
using BankAccounts.Api.Cli;
using BankAccounts.Api.Configuration;
using Microsoft.Extensions.Configuration;

namespace BankAccounts.Api.Tests;

/// <summary>
/// A misspelled or impossible setting stops the node at start, naming the key, instead of being ignored.
/// </summary>
public sealed partial class ConfigurationValidationSpecs
{
    [Fact]
    public void Should_refuse_to_build_the_app_with_a_misspelled_setting_and_suggest_the_real_name()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => BankAccountsApp.Build(["--BankAccounts:Journal:ConectionString=Data Source=x.db"]));

        Assert.Contains("Unknown setting 'BankAccounts:Journal:ConectionString' (did you mean 'ConnectionString'?)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BankAccounts:Accounts:ShardCount", "0")]
    [InlineData("BankAccounts:Accounts:SnapshotEvery", "-5")]
    [InlineData("BankAccounts:Accounts:ShardCount", "many")]
    [InlineData("BankAccounts:Accounts:AskTimeout", "00:00:00")]
    [InlineData("BankAccounts:Transfers:StepTimeout", "-00:00:01")]
    [InlineData("BankAccounts:Transfers:MaxStepRefusals", "0")]
    [InlineData("BankAccounts:ReadModel:BatchSize", "0")]
    [InlineData("BankAccounts:ReadModel:Version", "4")]
    [InlineData("BankAccounts:ReadModel:IdempotencyRetention", "a day")]
    [InlineData("BankAccounts:Journal:Provider", "Oracle")]
    [InlineData("BankAccounts:Journal:Provider", "7")]
    [InlineData("BankAccounts:Cluster:Port", "70000")]
    [InlineData("BankAccounts:Cluster:Tls:Enabled", "yes")]
    [InlineData("BankAccounts:Security:RateLimit:Burst", "0")]
    public void Should_refuse_to_build_the_app_with_an_impossible_value_naming_its_setting(string key, string value)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => BankAccountsApp.Build([$"--{key}={value}"]));

        Assert.Contains($"'{key}' = '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_minimum_retry_delay_above_the_maximum()
    {
        var problems = Check(("BankAccounts:Transfers:MinRetryDelay", "00:01:00"));

        Assert.Equal("Setting 'BankAccounts:Transfers:MinRetryDelay' (00:01:00) is larger than 'BankAccounts:Transfers:MaxRetryDelay' (00:00:30).", Assert.Single(problems));
    }

    [Fact]
    public void Should_accept_list_items_by_index_and_refuse_a_list_given_as_one_value()
    {
        Assert.Empty(Check(("BankAccounts:Cluster:SeedNodes:0", "akka.tcp://bank-accounts@a:4051"), ("BankAccounts:Cluster:SeedNodes:1", "akka.tcp://bank-accounts@b:4052")));

        var problem = Assert.Single(Check(("BankAccounts:Cluster:SeedNodes", "akka.tcp://bank-accounts@a:4051")));
        Assert.Contains("'BankAccounts:Cluster:SeedNodes' is a list", problem, StringComparison.Ordinal);
        Assert.Contains("'BankAccounts:Cluster:SeedNodes:first'", Assert.Single(Check(("BankAccounts:Cluster:SeedNodes:first", "x"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_match_setting_names_regardless_of_case_like_the_configuration_binder()
    {
        Assert.Empty(Check(("bankaccounts:journal:connectionstring", "Data Source=x.db"), ("BANKACCOUNTS:SECURITY:RATELIMIT:BURST", "5")));
    }

    [Fact]
    public void Should_name_a_misspelled_section_and_a_setting_placed_in_the_wrong_section()
    {
        Assert.Equal("Unknown setting 'BankAccounts:Jurnal' (did you mean 'Journal'?).", Assert.Single(Check(("BankAccounts:Jurnal:Provider", "Sqlite"))));
        Assert.StartsWith("Unknown setting 'BankAccounts:ShardCount'; 'BankAccounts' knows Journal, Accounts,", Assert.Single(Check(("BankAccounts:ShardCount", "10"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_the_shipped_appsettings()
    {
        var appsettings = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

        Assert.Empty(SettingsCheck.Problems(appsettings));
    }

    [Fact]
    public void Should_accept_every_setting_the_operations_guide_documents_with_its_documented_default()
    {
        var documented = DocumentedSettings();
        Assert.True(documented.Count >= 30, $"Only {documented.Count} settings parsed from docs/operations.md's configuration table.");

        Assert.Empty(Check([.. documented]));
    }

    [Fact]
    public void Should_refuse_to_mint_a_token_when_a_setting_is_misspelled()
    {
        var (output, errors) = (new StringWriter(), new StringWriter());

        var exitCode = TokenCommand.Run(["token", "--subject", "alice", "--role", "customer", "--BankAccounts:Security:SigningKeyFle=/tmp/never.pem"], output, errors);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output.ToString());
        Assert.Contains("Unknown setting 'BankAccounts:Security:SigningKeyFle' (did you mean 'SigningKeyFile'?)", errors.ToString(), StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> Check(params (string Key, string Value)[] settings) =>
        SettingsCheck.Problems(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build());

    /// <summary>
    /// Rows of the configuration table in docs/operations.md: <c>| `BankAccounts:A:B` / `C` | `default` / `default` | … |</c>; a short
    /// name after the first is a sibling. A default that is not in backticks ("none", "empty") is given as empty.
    /// </summary>
    private static List<(string Key, string Value)> DocumentedSettings()
    {
        var settings = new List<(string, string)>();
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot(), "docs", "operations.md")))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 4 || !cells[1].StartsWith("`BankAccounts:", StringComparison.Ordinal))
            {
                continue;
            }
            var names = Code().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList();
            var defaults = Code().Matches(cells[2]).Select(m => m.Groups[1].Value).ToList();
            var section = names[0][..names[0].LastIndexOf(':')];
            for (var i = 0; i < names.Count; i++)
            {
                var key = i == 0 ? names[0] : $"{section}:{names[i]}";
                settings.Add((key, defaults.Count == names.Count ? defaults[i] : ""));
            }
        }
        return settings;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BankAccounts.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No BankAccounts.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex Code();
}
