using System.Net.Http.Headers;
using BankAccounts.Api;
using BankAccounts.Api.Security;
using BankAccounts.Domain.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>
/// The real application in this process on Kestrel at a free loopback port (as the API tests run it), on PostgreSQL:
/// journal, snapshots (every 3 events, so specs meet them) and read model in one database; <see cref="Http"/> is a teller.
/// </summary>
public sealed class InProcessApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _signingKeyFile;
    private readonly List<HttpClient> _clients = [];

    private InProcessApp(WebApplication app, HttpClient http, string signingKeyFile)
    {
        _app = app;
        Http = http;
        _signingKeyFile = signingKeyFile;
    }

    public HttpClient Http { get; }

    /// <summary>A client with a token of <paramref name="role"/>, disposed with the app.</summary>
    public HttpClient ClientFor(Role role)
    {
        var token = TokenIssuer.From(new SecurityOptions { SigningKeyFile = _signingKeyFile })
            .Issue(new Principal($"postgres-specs-{role}", role), TimeSpan.FromHours(1));
        var client = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = Http.Timeout, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        _clients.Add(client);
        return client;
    }

    public static Task<InProcessApp> StartAsync(string connectionString, params string[] extraArgs) =>
        StartAsync(connectionString, TimeSpan.FromSeconds(30), extraArgs);

    /// <param name="requestTimeout">How long the clients wait for an answer.</param>
    public static async Task<InProcessApp> StartAsync(string connectionString, TimeSpan requestTimeout, params string[] extraArgs)
    {
        var security = new SecurityOptions { SigningKeyFile = Path.Combine(Path.GetTempPath(), "bankaccounts-cluster-tests", $"jwt-{Guid.NewGuid():N}.pem") };
        var app = BankAccountsApp.Build([
            $"--BankAccounts:Security:SigningKeyFile={security.SigningKeyFile}",
            "--urls=http://127.0.0.1:0",
            "--BankAccounts:Journal:Provider=PostgreSql",
            $"--BankAccounts:Journal:ConnectionString={connectionString}",
            "--BankAccounts:ReadModel:Provider=PostgreSql",
            $"--BankAccounts:ReadModel:ConnectionString={connectionString}",
            "--BankAccounts:Accounts:SnapshotEvery=3",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var teller = TokenIssuer.From(security).Issue(new Principal("postgres-specs-teller", Role.Teller), TimeSpan.FromHours(1));
        var http = new HttpClient
        {
            BaseAddress = new Uri(address),
            Timeout = requestTimeout,
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", teller) },
        };
        return new InProcessApp(app, http, security.SigningKeyFile);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _clients.ForEach(c => c.Dispose());
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(_signingKeyFile);
    }
}
