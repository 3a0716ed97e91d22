using BankAccounts.Api;
using BankAccounts.Actors.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.Benchmarks.Infrastructure;

/// <summary>The real HTTP application (<see cref="BankAccountsApp.Build"/>) on Kestrel at a free loopback port.</summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ApiHost> StartAsync(BenchmarkStore store)
    {
        var provider = store.Provider == StorageProvider.PostgreSql ? "PostgreSql" : "Sqlite";
        var app = BankAccountsApp.Build([
            "--urls=http://127.0.0.1:0",
            $"--BankAccounts:Journal:Provider={provider}",
            $"--BankAccounts:Journal:ConnectionString={store.JournalConnectionString}",
            $"--BankAccounts:Journal:SqliteSynchronous={store.Synchronous}",
            $"--BankAccounts:ReadModel:Provider={provider}",
            $"--BankAccounts:ReadModel:ConnectionString={store.ReadModelConnectionString}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ApiHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
