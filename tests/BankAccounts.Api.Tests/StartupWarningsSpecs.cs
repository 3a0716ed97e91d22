using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BankAccounts.Api.Tests;

/// <summary>Every log entry the logging configuration lets through, kept in memory.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}

/// <summary>The real app with its log captured, Akka's own at Information.</summary>
public sealed class LogCapturingApiTestHost() : ApiTestHost("--Logging:LogLevel:Akka=Information")
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

public sealed class StartupWarningsSpecs
{
    [Fact]
    public async Task Should_start_reach_the_projections_singleton_and_stop_without_a_singleton_proxy_warning()
    {
        var host = new LogCapturingApiTestHost();
        await host.InitializeAsync();
        try
        {
            // A request through the singleton proxy: answered only once the proxy has found the projections' singleton.
            using var admin = host.ClientFor(BankAccounts.Domain.Security.Role.Admin, "test-admin");
            using var retry = await admin.PostAsync("/admin/projections/account-ledger/parked/account-nothing/retry", null);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, retry.StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }

        // The proxy's own log reaches the capture (so the absence below means something), and it found the singleton.
        Assert.Contains(host.Logs.Entries, e => e.Contains("Singleton identified at [akka://bank-accounts/user/projections-v5/projections-v5]", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Contains("ClusterSingletonProxy failed to find", StringComparison.Ordinal));
    }
}
