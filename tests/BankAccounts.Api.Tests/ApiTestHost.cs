using System.Net.Http.Headers;
using BankAccounts.Api.Security;
using BankAccounts.Domain.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.Api.Tests;

/// <summary>
/// The real application (<see cref="BankAccountsApp.Build"/>) on Kestrel at a free loopback port,
/// with its journal, read model and token signing key in a temp folder, and clients for it that
/// send real tokens minted with that key.
/// </summary>
public class ApiTestHost : IAsyncLifetime
{
    public const string CustomerSubject = "test-customer";

    private readonly string[] _extraArgs;
    private readonly List<HttpClient> _clients = [];
    private WebApplication? _app;

    public ApiTestHost()
        : this([])
    {
    }

    protected ApiTestHost(params string[] extraArgs)
    {
        _extraArgs = extraArgs;
        Folder = Path.Combine(Path.GetTempPath(), "bankaccounts-api-tests", Guid.NewGuid().ToString("N"));
    }

    public string Folder { get; }

    public string SigningKeyFile => Path.Combine(Folder, "jwt-signing-key.pem");

    public Uri Address { get; private set; } = null!;

    /// <summary>Mints tokens as the server expects them (same key, issuer and audience).</summary>
    public TokenIssuer Tokens { get; private set; } = null!;

    /// <summary>A client authenticated as the customer <see cref="CustomerSubject"/>.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>A teller of the bank: opens accounts with an overdraft for <see cref="CustomerSubject"/>.</summary>
    public HttpClient Teller { get; private set; } = null!;

    public AccountsClient Accounts => new(Http, Teller);

    /// <summary>A client whose every request carries a token (valid for an hour) for <paramref name="role"/> and <paramref name="subject"/>.</summary>
    public HttpClient ClientFor(Role role, string subject, string? name = null) =>
        ClientWith(Tokens.Issue(new Principal(subject, role, name), TimeSpan.FromHours(1)));

    /// <summary>A client that sends exactly <paramref name="token"/> (none when null).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        lock (_clients)
        {
            _clients.Add(client);
        }
        return client;
    }

    /// <summary>The running app's services (to look at what a test cannot see over HTTP).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host has not started.");

    public string JournalFile => Path.Combine(Folder, "journal.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        await PrepareAsync();
        _app = BankAccountsApp.Build([
            "--urls=http://127.0.0.1:0",
            $"--BankAccounts:Journal:ConnectionString=Data Source={Path.Combine(Folder, "journal.db")};Pooling=True",
            $"--BankAccounts:ReadModel:ConnectionString=Data Source={Path.Combine(Folder, "readmodel.db")}",
            $"--BankAccounts:Security:SigningKeyFile={SigningKeyFile}",
            // The specs hammer one host as one customer; the rate limit has specs of its own.
            "--BankAccounts:Security:RateLimit:PermitsPerSecond=100000",
            "--BankAccounts:Security:RateLimit:Burst=100000",
            "--Logging:LogLevel:Default=Warning",
            .. _extraArgs,
        ], ConfigureServices);
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        Tokens = TokenIssuer.From(_app.Services.GetRequiredService<SecurityOptions>());
        Http = ClientFor(Role.Customer, CustomerSubject);
        Teller = ClientFor(Role.Teller, "test-teller");
    }

    /// <summary>Runs after the app's own service registrations (e.g. to decorate a projection).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Runs before the app starts, with the folder in place (e.g. to lay down an older journal).</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaks a temp folder.
        }
    }
}

/// <summary>A host whose accounts never answer in time: every command Ask times out.</summary>
public sealed class ImpatientApiTestHost() : ApiTestHost("--BankAccounts:Accounts:AskTimeout=00:00:00.001");

/// <summary>A host whose API documents need a token like every other endpoint.</summary>
public sealed class PrivateDocsApiTestHost() : ApiTestHost("--BankAccounts:Security:PublicApiDocs=false");

/// <summary>A host that lets each caller send two requests at once and one a second after that.</summary>
public sealed class RateLimitedApiTestHost() : ApiTestHost(
    "--BankAccounts:Security:RateLimit:PermitsPerSecond=1", "--BankAccounts:Security:RateLimit:Burst=2");
