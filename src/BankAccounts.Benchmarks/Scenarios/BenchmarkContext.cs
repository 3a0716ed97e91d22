using BankAccounts.Benchmarks.Reporting;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>What the scenarios of one run share: the options, the report, and figures later scenarios build on.</summary>
internal sealed class BenchmarkContext(BenchmarkOptions options, Report report)
{
    public BenchmarkOptions Options { get; } = options;

    public Report Report { get; } = report;

    /// <summary>Maximum deposits/s on the actor path, once measured (the projection runs at half of it).</summary>
    public double? ActorThroughput { get; set; }

    public void Log(string message) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}

internal interface IScenario
{
    string Name { get; }

    Task RunAsync(BenchmarkContext context);
}
