using System.Globalization;
using System.Security.Cryptography;
using BankAccounts.Api.Configuration;
using BankAccounts.Api.Security;
using BankAccounts.Domain.Security;

namespace BankAccounts.Api.Cli;

/// <summary>
/// <c>BankAccounts.Api token --subject ID --role ROLE [--name NAME] [--lifetime TIMESPAN] [--Section:Key=value ...]</c>:
/// mints a token with this node's signing key, read through the server's own configuration (appsettings,
/// environment, the remaining arguments) from the same working directory. Prints only the token.
/// </summary>
public static class TokenCommand
{
    public const string Verb = "token";

    private const string Usage =
        "usage: BankAccounts.Api token --subject <id> --role <customer|teller|auditor|admin> [--name <display name>] " +
        "[--lifetime <d.hh:mm:ss, default 01:00:00>] [--BankAccounts:Security:SigningKeyFile=<path> ...]";

    private static readonly string[] OwnOptions = ["--subject", "--role", "--name", "--lifetime"];

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Verb;

    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        if (Parse(args[1..]) is not var (own, configurationArgs))
        {
            return Fail(errors, Usage, 2);
        }
        if (!Principal.IsValidSubject(own.GetValueOrDefault("--subject")))
        {
            return Fail(errors, $"--subject must be 1 to {Principal.MaxSubjectLength} characters without control characters.\n{Usage}", 2);
        }
        if (!Principal.TryParseRole(own.GetValueOrDefault("--role"), out var role))
        {
            return Fail(errors, $"--role must be customer, teller, auditor or admin.\n{Usage}", 2);
        }
        var lifetime = TokenIssuer.DefaultLifetime;
        if (own.TryGetValue("--lifetime", out var text)
            && (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out lifetime) || lifetime <= TimeSpan.Zero || lifetime > TokenIssuer.MaxLifetime))
        {
            return Fail(errors, $"--lifetime must be a positive time span of at most {TokenIssuer.MaxLifetime.TotalDays:0} days, e.g. 08:00:00 or 7.00:00:00.", 2);
        }

        var configuration = BankAccountsApp.CreateBuilder(configurationArgs).Configuration;
        try
        {
            SettingsCheck.ThrowIfInvalid(configuration);
        }
        catch (InvalidSettingsException e)
        {
            return Fail(errors, e.Message, 1);
        }
        var options = BankAccountsApp.SecurityOptionsFrom(configuration);
        if (options.UsesProvider)
        {
            return Fail(errors, $"This node trusts tokens from {options.Authority ?? options.MetadataAddress}; ask that provider for one.", 1);
        }
        try
        {
            output.WriteLine(TokenIssuer.From(options).Issue(new Principal(own["--subject"], role, own.GetValueOrDefault("--name")), lifetime));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or InvalidOperationException)
        {
            return Fail(errors, $"Could not use the signing key file '{options.SigningKeyFile}': {e.Message}", 1);
        }
    }

    /// <summary>The verb's own options (<c>--x value</c> or <c>--x=value</c>); everything else is configuration.</summary>
    private static (Dictionary<string, string> Own, string[] Configuration)? Parse(string[] args)
    {
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        var configuration = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var (name, inline) = args[i].IndexOf('=', StringComparison.Ordinal) is > 0 and var at ? (args[i][..at], args[i][(at + 1)..]) : (args[i], null);
            if (!OwnOptions.Contains(name))
            {
                configuration.Add(args[i]);
                continue;
            }
            var value = inline ?? (i + 1 < args.Length ? args[++i] : null);
            if (value is null || !own.TryAdd(name, value))
            {
                return null;
            }
        }
        return (own, [.. configuration]);
    }

    private static int Fail(TextWriter errors, string message, int exitCode)
    {
        errors.WriteLine(message);
        return exitCode;
    }
}
