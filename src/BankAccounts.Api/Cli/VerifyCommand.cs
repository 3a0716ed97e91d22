using Akka.Actor;
using Akka.Hosting;
using BankAccounts.Actors.Chain;
using BankAccounts.Actors.Hosting;
using BankAccounts.Actors.Persistence;
using Microsoft.Data.Sqlite;

namespace BankAccounts.Api.Cli;

/// <summary>
/// <c>BankAccounts.Api verify --provider &lt;SQLite.MS|PostgreSQL.15&gt; --connection-string "&lt;...&gt;"</c>: checks the hash
/// chain of every stream of a journal (accounts and transfers) offline, with nothing but the journal. Prints one line
/// per broken stream and a summary; exits 0 when every chain holds, 3 when one is broken, 2 on a usage error, 1 when
/// the journal cannot be read.
/// </summary>
public static class VerifyCommand
{
    public const string Verb = "verify";
    public const int Broken = 3;

    private const string Usage = "usage: BankAccounts.Api verify --provider <SQLite.MS|PostgreSQL.15> --connection-string \"<connection string>\"";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Verb;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        if (Parse(args[1..]) is not { } journal)
        {
            return Fail(errors, Usage, 2);
        }
        if (journal.Provider == StorageProvider.Sqlite && !SqliteFileExists(journal.ConnectionString, out var path))
        {
            return Fail(errors, $"No SQLite journal at '{path}'.", 2);
        }

        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("bank-accounts-verify", builder => builder
                .WithBankAccountsSerialization()
                .WithAccountPersistence(journal)
                .AddHocon("akka.loglevel = ERROR, akka.stdout-loglevel = ERROR", HoconAddMode.Prepend)))
            .Build();
        try
        {
            await host.StartAsync(cancellationToken);
            var chains = new JournalChains(host.Services.GetRequiredService<ActorSystem>());
            int streams = 0, broken = 0;
            long events = 0;
            foreach (var persistenceId in await chains.PersistenceIdsAsync(cancellationToken))
            {
                var report = await chains.VerifyAsync(persistenceId, cancellationToken: cancellationToken);
                streams++;
                events += report.EventsChecked;
                if (report.Break is { } at)
                {
                    broken++;
                    output.WriteLine($"BROKEN {persistenceId} at event {at.SequenceNr}: {Endpoints.VerificationEndpoints.KindName(at.Kind)}: {at.Detail}");
                }
            }
            output.WriteLine(broken == 0
                ? $"OK: {streams} streams, {events} events, every hash chain holds."
                : $"FAILED: {broken} of {streams} streams have a broken hash chain ({events} events checked).");
            return broken == 0 ? 0 : Broken;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail(errors, $"Could not read the journal: {e.GetBaseException().Message}", 1);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static PersistenceOptions? Parse(string[] args)
    {
        string? provider = null, connectionString = null;
        for (var i = 0; i < args.Length; i++)
        {
            var (name, inline) = args[i].IndexOf('=', StringComparison.Ordinal) is > 0 and var at ? (args[i][..at], args[i][(at + 1)..]) : (args[i], null);
            var value = inline ?? (i + 1 < args.Length ? args[++i] : null);
            switch (name)
            {
                case "--provider" when provider is null && value is not null:
                    provider = value;
                    break;
                case "--connection-string" when connectionString is null && !string.IsNullOrWhiteSpace(value):
                    connectionString = value;
                    break;
                default:
                    return null;
            }
        }
        StorageProvider? parsed = provider?.ToLowerInvariant() switch
        {
            "sqlite.ms" or "sqlite" => StorageProvider.Sqlite,
            "postgresql.15" or "postgresql" => StorageProvider.PostgreSql,
            _ => null,
        };
        return parsed is { } p && connectionString is not null ? new PersistenceOptions { Provider = p, ConnectionString = connectionString } : null;
    }

    private static bool SqliteFileExists(string connectionString, out string path)
    {
        try
        {
            path = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
            return File.Exists(path);
        }
        catch (ArgumentException)
        {
            path = connectionString;
            return false;
        }
    }

    private static int Fail(TextWriter errors, string message, int exitCode)
    {
        errors.WriteLine(message);
        return exitCode;
    }
}
