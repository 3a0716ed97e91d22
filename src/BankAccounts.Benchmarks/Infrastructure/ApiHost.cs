using System.Net.Http.Headers;
using BankAccounts.Api;
using BankAccounts.Api.Security;
using BankAccounts.Actors.Persistence;
using BankAccounts.Domain.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.Benchmarks.Infrastructure;

/// <summary>
/// The real HTTP application (<see cref="BankAccountsApp.Build"/>) on Kestrel at a free loopback port, with
/// a signing key of its own and a teller's token minted from it.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _signingKeyFile;
    private readonly TokenIssuer _tokens;

    private ApiHost(WebApplication app, Uri address, string signingKeyFile, TokenIssuer tokens)
    {
        _app = app;
        Address = address;
        _signingKeyFile = signingKeyFile;
        _tokens = tokens;
        Authorization = AuthorizationFor(new Principal("benchmark-teller", Role.Teller));
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A teller's bearer token: opens accounts and deposits on any of them.</summary>
    public AuthenticationHeaderValue Authorization { get; }

    /// <summary>A bearer token for any other caller, minted with this host's key.</summary>
    public AuthenticationHeaderValue AuthorizationFor(Principal caller) =>
        new("Bearer", _tokens.Issue(caller, TimeSpan.FromDays(1)));

    /// <param name="extraArgs">More settings on the command line (they win over the ones set here).</param>
    public static async Task<ApiHost> StartAsync(BenchmarkStore store, params string[] extraArgs)
    {
        var provider = store.Provider == StorageProvider.PostgreSql ? "PostgreSql" : "Sqlite";
        var security = new SecurityOptions { SigningKeyFile = Path.Combine(Path.GetTempPath(), "bankaccounts-bench", $"jwt-{Guid.NewGuid():N}.pem") };
        var app = BankAccountsApp.Build([
            $"--BankAccounts:Security:SigningKeyFile={security.SigningKeyFile}",
            // One caller drives all the load: its rate limit must not be what is measured.
            "--BankAccounts:Security:RateLimit:PermitsPerSecond=1000000",
            "--BankAccounts:Security:RateLimit:Burst=1000000",
            "--urls=http://127.0.0.1:0",
            $"--BankAccounts:Journal:Provider={provider}",
            $"--BankAccounts:Journal:ConnectionString={store.JournalConnectionString}",
            $"--BankAccounts:Journal:SqliteSynchronous={store.Synchronous}",
            $"--BankAccounts:ReadModel:Provider={provider}",
            $"--BankAccounts:ReadModel:ConnectionString={store.ReadModelConnectionString}",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ApiHost(app, new Uri(address), security.SigningKeyFile, TokenIssuer.From(security));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(_signingKeyFile);
    }
}
