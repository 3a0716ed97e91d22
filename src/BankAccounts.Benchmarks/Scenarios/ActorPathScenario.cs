using BankAccounts.Benchmarks.Baselines;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using BankAccounts.Domain;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// Scenario 1: N accounts, deposits through the shard region with C concurrent callers until the JIT
/// is quiet (the first round reported as the cold figure), M deposits measured in that steady state, then
/// the baselines on the same engine: raw batched INSERTs (clustered ids, and the same pattern as the
/// journal's) and EF Core CRUD.
/// </summary>
internal sealed class ActorPathScenario : IScenario
{
    /// <summary>Issue 12's targets for the actor path (round 2).</summary>
    public const double TargetThroughput = 20_000;
    public const double TargetCrudMultiple = 6;

    public string Name => "actor";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        await using var store = await BenchmarkStore.CreateAsync(options, "actor");
        LoadResult actor;
        WarmUpResult warmUp;
        JitActivity jit;
        int journalBatch, parallelism;
        await using (var host = await WriteSideHost.StartAsync(store))
        {
            var warmUpAccounts = await Workload.OpenAccountsAsync(host, options.Accounts, options.Concurrency);
            var accounts = await Workload.OpenAccountsAsync(host, options.Accounts, options.Concurrency);
            Func<int, Task<LoadResult>> DepositsOn(AccountId[] set) => count => LoadDriver.ClosedLoopAsync(count, options.Concurrency,
                _ => Workload.DepositAsync(host, set[Random.Shared.Next(set.Length)]));
            warmUp = await SteadyState.WarmUpAsync(DepositsOn(warmUpAccounts), Math.Min(options.Deposits / 5, 10_000), context.Log,
                Workload.WarmUpBudget(options.Accounts));
            context.Log($"actor {warmUp}");
            var clock = JitActivity.Start();
            actor = await DepositsOn(accounts)(options.Deposits);
            jit = clock.Stop();
            context.Log($"actor path (steady state): {actor}; JIT {jit}");
            Workload.EnsureNoErrors(actor, "depositing");
            var journal = host.System.Settings.Config.GetConfig("akka.persistence.journal.sql");
            journalBatch = journal.GetInt("batch-size");
            parallelism = journal.GetInt("parallelism");
        }
        context.ActorThroughput = actor.PerSecond;

        var storage = await StorageLimitBaseline.RunAsync(store, options.Deposits, journalBatch, parallelism);
        context.Log($"storage limit, clustered: {storage.Rows:N0} rows in {storage.Elapsed.TotalSeconds:0.00} s = {storage.RowsPerSecond:N0} rows/s (batches of {journalBatch}, {parallelism} writers)");
        var same = await StorageLimitBaseline.RunAsync(store, options.Deposits, options.BaselineBatch, parallelism, StorageLimitBaseline.RowPattern.SamePattern);
        context.Log($"storage limit, same pattern: {same.Rows:N0} rows in {same.Elapsed.TotalSeconds:0.00} s = {same.RowsPerSecond:N0} rows/s " +
            $"({StorageLimitBaseline.SamePatternAccounts:N0} random accounts, batches of {options.BaselineBatch}, {parallelism} writers)");
        var crudRuns = await CrudBaseline.RunAsync(store, options.Accounts, Math.Max(1_000, options.Deposits / 5),
            new[] { 1, 8, options.Concurrency }.Distinct());
        foreach (var (concurrency, run) in crudRuns)
        {
            context.Log($"CRUD baseline, C={concurrency}: {run}");
        }
        var (crudConcurrency, crud) = crudRuns.MaxBy(r => r.Result.PerSecond);

        var report = context.Report;
        var ofStorage = actor.PerSecond / storage.RowsPerSecond;
        var ofSame = actor.PerSecond / same.RowsPerSecond;
        var ofCrud = actor.PerSecond / crud.PerSecond;
        report.Add(new ResultRow(Name, $"deposits/s, cold (first {warmUp.Cold.Operations:N0} after start)", warmUp.Cold.PerSecond, "/s",
            Comparison: $"{warmUp.Cold.CpuPerOperation:N0} µs CPU/op, p99 {warmUp.Cold.Latency.P99:0.0} ms"));
        report.Add(new ResultRow(Name, "warm-up until the JIT is quiet", warmUp.Jit.Seconds, "s",
            Comparison: warmUp.Summary));
        report.Add(new ResultRow(Name, $"deposits/s, steady state ({options.Accounts:N0} accounts, C={options.Concurrency})", actor.PerSecond, "/s",
            $"≥ {TargetThroughput:N0}/s", actor.PerSecond >= TargetThroughput, $"{actor.CpuPerOperation:N0} µs CPU/op; {ofSame:P0} of same-pattern limit, {ofStorage:P0} of clustered, {ofCrud:0.0}× CRUD"));
        report.Add(new ResultRow(Name, "JIT time during the measured window", jit.MillisecondsPerSecond, "ms/s",
            Comparison: $"{jit.Methods:N0} methods, {jit.Milliseconds:N0} ms in {jit.Seconds:0.0} s"));
        report.Add(new ResultRow(Name, "latency p50", actor.Latency.P50, "ms"));
        report.Add(new ResultRow(Name, "latency p95", actor.Latency.P95, "ms"));
        report.Add(new ResultRow(Name, "latency p99", actor.Latency.P99, "ms"));
        report.Add(new ResultRow(Name, "share of same-pattern storage limit", ofSame * 100, "%", "≥ 50 %", ofSame >= 0.5));
        report.Add(new ResultRow(Name, "share of clustered storage limit (physical limit class)", ofStorage * 100, "%"));
        report.Add(new ResultRow(Name, "multiple of CRUD", ofCrud, "×", $"≥ {TargetCrudMultiple}×", ofCrud >= TargetCrudMultiple));
        report.Add(new ResultRow("baseline", $"storage limit, clustered ids: raw INSERTs (batches of {journalBatch}, {parallelism} writer(s))", storage.RowsPerSecond, "rows/s"));
        report.Add(new ResultRow("baseline", $"storage limit, same pattern: {StorageLimitBaseline.SamePatternAccounts:N0} random accounts (batches of {options.BaselineBatch}, {parallelism} writer(s))", same.RowsPerSecond, "rows/s"));
        report.Add(new ResultRow("baseline", $"CRUD: EF Core balance update (best C={crudConcurrency})", crud.PerSecond, "/s",
            Comparison: $"p50 {crud.Latency.P50:0.0} ms, p99 {crud.Latency.P99:0.0} ms"));
        report.Detail("actor", new { warmUp, actor, jit, storage, samePattern = same, crud = crudRuns.Select(r => new { r.Concurrency, r.Result }), journalBatch, parallelism });
    }
}
