using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.Api.Tests;

/// <summary>
/// The real application (<see cref="BankAccountsApp.Build"/>) on Kestrel at a free loopback port,
/// with its journal and read model on SQLite files in a temp folder, and a client for it.
/// </summary>
public class ApiTestHost : IAsyncLifetime
{
    private readonly string[] _extraArgs;
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

    public HttpClient Http { get; private set; } = null!;

    public AccountsClient Accounts => new(Http);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        _app = BankAccountsApp.Build([
            "--urls=http://127.0.0.1:0",
            $"--BankAccounts:Journal:ConnectionString=Data Source={Path.Combine(Folder, "journal.db")};Pooling=True",
            $"--BankAccounts:ReadModel:ConnectionString=Data Source={Path.Combine(Folder, "readmodel.db")}",
            "--Logging:LogLevel:Default=Warning",
            .. _extraArgs,
        ]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
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
