using System.Diagnostics;
using BankAccounts.Benchmarks;
using BankAccounts.Benchmarks.Reporting;
using BankAccounts.Benchmarks.Scenarios;

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}
if (options.Provider == "postgres" && options.PostgresConnectionString is null)
{
    options = options with { PostgresConnectionString = BenchmarkPostgres.TryStartFromRepositoryScript() };
    if (options.PostgresConnectionString is null)
    {
        Console.Error.WriteLine("PostgreSQL mode needs a server: --pg \"Host=…;Username=…;Password=…;Database=postgres\" or $BANKACCOUNTS_BENCH_PG (or scripts/postgres.sh).");
        return 2;
    }
}

var report = new Report(options, args);
var context = new BenchmarkContext(options, report);
IScenario[] scenarios = [new ActorPathScenario(), new RestScenario(), new TelemetryScenario(), new ChainScenario(), new RecoveryScenario(), new ProjectionScenario(), new LiveScenario(), new HistoryScenario(), new ScaleScenario()];
Console.WriteLine($"BankAccounts benchmark: {string.Join(", ", options.Scenarios)} on {options.Provider}; " +
    $"{report.Machine.Cores} cores ({report.Machine.Cpu}), {report.Machine.Memory}, {report.Machine.Runtime}, load {report.Machine.LoadAverage}");
var total = Stopwatch.StartNew();
var failed = false;
foreach (var scenario in scenarios.Where(s => options.Scenarios.Contains(s.Name)))
{
    context.Log($"── {scenario.Name} (load average {MachineInfo.LoadAverageNow()})");
    try
    {
        await scenario.RunAsync(context);
    }
    catch (Exception e)
    {
        failed = true;
        Console.Error.WriteLine($"Scenario {scenario.Name} failed: {e}");
    }
}
Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
var path = await report.WriteAsync();
Console.WriteLine($"Done in {total.Elapsed.TotalMinutes:0.0} min; results in {path}");
return failed ? 1 : 0;
