using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting;
using BankAccounts.Actors.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BankAccounts.Actors.Tests;

/// <summary>What a node started alone (no seed nodes, the default) writes to its log while it forms its cluster.</summary>
public sealed class SingleNodeStartupSpecs
{
    [Fact]
    public async Task Should_join_itself_without_logging_that_a_manual_join_is_required()
    {
        var systemName = "single-" + Guid.NewGuid().ToString("N")[..8];
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(systemName, akka => akka
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLogger<CapturingLogger>();
                })
                .WithBankAccountsCluster(new ClusterNodeOptions())))
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var up = new TaskCompletionSource();
            Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
            await up.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // The logger takes events in order: once this marker is in, every line logged before it is too.
            const string marker = "startup-spec-marker";
            system.Log.Info(marker);
            var lines = CapturingLogger.LinesOf(systemName);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!lines.Any(l => l.Contains(marker, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Contains(lines, l => l.Contains(marker, StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("Remoting started", StringComparison.Ordinal)); // info lines are captured
            Assert.DoesNotContain(lines, l => l.Contains("No seed-nodes configured", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>An Akka logger that keeps every line, per actor system.</summary>
    internal sealed class CapturingLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
    {
        private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Lines = new();

        public CapturingLogger()
        {
            var lines = LinesOf(Context.System.Name);
            Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
            Receive<LogEvent>(e => lines.Enqueue(e.ToString()));
        }

        public static ConcurrentQueue<string> LinesOf(string systemName) => Lines.GetOrAdd(systemName, _ => new ConcurrentQueue<string>());
    }
}
