using BankAccounts.Benchmarks.Baselines;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// Scenario 1: N accounts, M deposits through the shard region with C concurrent callers, then the
/// two baselines on the same engine: raw batched INSERTs (storage limit) and EF Core CRUD.
/// </summary>
internal sealed class ActorPathScenario : IScenario
{
    public string Name => "actor";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        await using var store = await BenchmarkStore.CreateAsync(options, "actor");
        LoadResult actor, warmUp;
        int batchSize, parallelism;
        await using (var host = await WriteSideHost.StartAsync(store))
        {
            var accounts = await Workload.OpenAccountsAsync(host, options.Accounts, options.Concurrency);
            warmUp = await LoadDriver.ClosedLoopAsync(Math.Min(options.Deposits / 5, 10_000), options.Concurrency,
                _ => Workload.DepositAsync(host, accounts[Random.Shared.Next(accounts.Length)]));
            context.Log($"actor warm-up: {warmUp}");
            actor = await LoadDriver.ClosedLoopAsync(options.Deposits, options.Concurrency,
                _ => Workload.DepositAsync(host, accounts[Random.Shared.Next(accounts.Length)]));
            context.Log($"actor path: {actor}");
            Workload.EnsureNoErrors(actor, "depositing");
            var journal = host.System.Settings.Config.GetConfig("akka.persistence.journal.sql");
            batchSize = journal.GetInt("batch-size");
            parallelism = journal.GetInt("parallelism");
        }
        context.ActorThroughput = actor.PerSecond;

        var storage = await StorageLimitBaseline.RunAsync(store, options.Deposits, batchSize, parallelism);
        context.Log($"storage limit: {storage.Rows:N0} rows in {storage.Elapsed.TotalSeconds:0.00} s = {storage.RowsPerSecond:N0} rows/s (batches of {batchSize}, {parallelism} writers)");
        var crudRuns = await CrudBaseline.RunAsync(store, options.Accounts, Math.Max(1_000, options.Deposits / 5),
            new[] { 1, 8, options.Concurrency }.Distinct());
        foreach (var (concurrency, run) in crudRuns)
        {
            context.Log($"CRUD baseline, C={concurrency}: {run}");
        }
        var (crudConcurrency, crud) = crudRuns.MaxBy(r => r.Result.PerSecond);

        var report = context.Report;
        var ofStorage = actor.PerSecond / storage.RowsPerSecond;
        var ofCrud = actor.PerSecond / crud.PerSecond;
        report.Add(new ResultRow(Name, $"deposits/s ({options.Accounts:N0} accounts, C={options.Concurrency})", actor.PerSecond, "/s",
            Comparison: $"{ofStorage:P0} of storage limit, {ofCrud:0.0}× CRUD"));
        report.Add(new ResultRow(Name, "latency p50", actor.Latency.P50, "ms"));
        report.Add(new ResultRow(Name, "latency p95", actor.Latency.P95, "ms"));
        report.Add(new ResultRow(Name, "latency p99", actor.Latency.P99, "ms"));
        report.Add(new ResultRow(Name, "share of storage limit", ofStorage * 100, "%", "≥ 50 %", ofStorage >= 0.5));
        report.Add(new ResultRow(Name, "multiple of CRUD", ofCrud, "×", "≥ 3×", ofCrud >= 3));
        report.Add(new ResultRow("baseline", $"storage limit: raw INSERTs (batches of {batchSize}, {parallelism} writer(s))", storage.RowsPerSecond, "rows/s"));
        report.Add(new ResultRow("baseline", $"CRUD: EF Core balance update (best C={crudConcurrency})", crud.PerSecond, "/s",
            Comparison: $"p50 {crud.Latency.P50:0.0} ms, p99 {crud.Latency.P99:0.0} ms"));
        report.Detail("actor", new { warmUp, actor, storage, crud = crudRuns.Select(r => new { r.Concurrency, r.Result }), batchSize, parallelism });
    }
}
