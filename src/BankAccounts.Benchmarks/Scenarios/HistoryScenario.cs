using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using BankAccounts.ReadModel.Queries;
using BankAccounts.ReadModel.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// Scenario 5: the account's history. One account with <see cref="BenchmarkOptions.HistoryEvents"/> ledger entries
/// (1,000,000 by default) is written straight into the read model's tables (as-of reads and statements read nothing
/// else; projecting a million events first would only measure the projector), 10,000 entries per 30 days, with a
/// transfer hold every 50 entries. Then: as-of latency by version and by instant through the query class and over
/// HTTP, and a 10,000-entry month's statement as JSON and as CSV over HTTP.
/// </summary>
internal sealed class HistoryScenario : IScenario
{
    private const int EntriesPerMonth = 10_000;
    private const int Samples = 2_000;
    private const int HttpSamples = 500;
    private const int StatementRuns = 7;
    /// <summary>Rows per batch; on SQLite each row is one execution of a prepared statement (cheaper there than long statements).</summary>
    private const int RowsPerInsert = 1_000;

    private static readonly TimeSpan Month = TimeSpan.FromDays(30);
    private static readonly TimeSpan Spacing = Month / EntriesPerMonth;

    /// <summary>When the seeded history starts: far enough back that it ends before now (as-of instants may not be in the future).</summary>
    private DateTimeOffset Start { get; set; }

    public string Name => "history";

    public async Task RunAsync(BenchmarkContext context)
    {
        var options = context.Options;
        var events = options.HistoryEvents;
        await using var store = await BenchmarkStore.CreateAsync(options, "history");
        await using var api = await ApiHost.StartAsync(store);
        var dbFactory = api.Services.GetRequiredService<IDbContextFactory<ReadModelDbContext>>();
        var accountId = Guid.NewGuid();
        Start = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero) - Spacing * events - Month;

        var seeding = Stopwatch.StartNew();
        await SeedAsync(dbFactory, accountId, events);
        context.Log($"history: {events:N0} ledger entries written into the read model in {seeding.Elapsed.TotalSeconds:0.0} s");

        var history = api.Services.GetRequiredService<AccountHistoryQueries>();
        var queries = api.Services.GetRequiredService<AccountQueries>();
        var account = await queries.GetAccountAsync(accountId) ?? throw new InvalidOperationException("The seeded account is missing.");
        var random = new Random(5);
        var end = Start + Spacing * events;

        var atVersion = await MeasureAsync(Samples, async () =>
        {
            var at = await history.AtVersionAsync(account, random.NextInt64(1, events + 1));
            return at is not null;
        });
        var asOf = await MeasureAsync(Samples, async () =>
        {
            var at = await history.AsOfAsync(account, Start + (end - Start) * random.NextDouble());
            return at is not null;
        });

        using var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { Authorization = api.Authorization } };
        var httpVersion = await MeasureAsync(HttpSamples, () => OkAsync(http, $"/accounts/{accountId}?atVersion={random.NextInt64(1, events + 1)}"));
        var httpAsOf = await MeasureAsync(HttpSamples, () =>
            OkAsync(http, $"/accounts/{accountId}?asOf={Uri.EscapeDataString((Start + (end - Start) * random.NextDouble()).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture))}"));

        // A month in the middle of the history: exactly EntriesPerMonth entries.
        var month = Start + Month * (events / EntriesPerMonth / 2);
        var period = $"from={Instant(month)}&to={Instant(month + Month)}";
        var entries = (await history.StatementAsync(accountId, month, month + Month))?.Entries.Count ?? 0;
        var statementJson = await MeasureAsync(StatementRuns, () => OkAsync(http, $"/accounts/{accountId}/statements?{period}"));
        var statementCsv = await MeasureAsync(StatementRuns, () => OkAsync(http, $"/accounts/{accountId}/statements?{period}", "text/csv"));
        var balances = await MeasureAsync(StatementRuns, () => OkAsync(http, $"/accounts/{accountId}/balances?{period}&interval=hour"));

        var report = context.Report;
        var seeded = $"{events:N0} entries seeded into the read model directly";
        report.Add(new ResultRow(Name, $"atVersion p50, {events:N0}-event account (query)", atVersion.P50, "ms", Comparison: $"p99 {atVersion.P99:0.00} ms; {seeded}"));
        report.Add(new ResultRow(Name, $"asOf p50, {events:N0}-event account (query)", asOf.P50, "ms", Comparison: $"p99 {asOf.P99:0.00} ms"));
        report.Add(new ResultRow(Name, $"atVersion p50, {events:N0}-event account (HTTP)", httpVersion.P50, "ms", Comparison: $"p99 {httpVersion.P99:0.00} ms"));
        report.Add(new ResultRow(Name, $"asOf p50, {events:N0}-event account (HTTP)", httpAsOf.P50, "ms", Comparison: $"p99 {httpAsOf.P99:0.00} ms"));
        report.Add(new ResultRow(Name, $"statement of {entries:N0} entries, JSON (HTTP)", statementJson.P50, "ms", Comparison: $"median of {StatementRuns}; max {statementJson.Max:0} ms"));
        report.Add(new ResultRow(Name, $"statement of {entries:N0} entries, CSV (HTTP)", statementCsv.P50, "ms", Comparison: $"median of {StatementRuns}; max {statementCsv.Max:0} ms"));
        report.Add(new ResultRow(Name, "hourly balances of that month, 720 points (HTTP)", balances.P50, "ms", Comparison: $"median of {StatementRuns}"));
        report.Detail("history", new { events, seedingSeconds = seeding.Elapsed.TotalSeconds, atVersion, asOf, httpVersion, httpAsOf, statementEntries = entries, statementJson, statementCsv, balances });
    }

    private static async Task<LatencySummary> MeasureAsync(int count, Func<Task<bool>> operation)
    {
        for (var i = 0; i < Math.Min(count, 50); i++)
        {
            await operation(); // warm-up: JIT, query cache, page cache
        }
        var recorder = new LatencyRecorder(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            if (!await operation())
            {
                throw new InvalidOperationException("A history read found nothing where the seeded history has something.");
            }
            recorder.Record(Stopwatch.GetTimestamp() - started);
        }
        return recorder.Summarize();
    }

    private static async Task<bool> OkAsync(HttpClient http, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        await response.Content.LoadIntoBufferAsync();
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static string Instant(DateTimeOffset instant) => Uri.EscapeDataString(instant.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture));

    /// <summary>
    /// The account's summary, ledger and holds as the projection would have written them, in multi-row INSERTs whose
    /// values go through EF Core's own type mappings (so each provider stores them exactly as it would).
    /// </summary>
    private async Task SeedAsync(IDbContextFactory<ReadModelDbContext> dbFactory, Guid accountId, long events)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var balance = 0m;
        var ledger = new List<LedgerEntry>(RowsPerInsert);
        var holds = new List<TransferHold>();
        var openHold = (TransferHold?)null;
        for (long version = 1; version <= events; version++)
        {
            var at = Start + Spacing * (version - 1);
            var (type, amount, transfer) = version == 1 ? ("AccountOpened", 0m, (Guid?)null)
                : version % 50 == 0 ? ("TransferDebited", -5m, Guid.NewGuid())
                : version % 50 == 1 && openHold is not null ? ("TransferSettled", 0m, openHold.TransferId)
                : version % 7 == 0 ? ("MoneyWithdrawn", -3m, null)
                : version % 13 == 0 ? ("WithdrawalDeclined", 0m, null)
                : ("MoneyDeposited", 10m, null);
            balance += amount;
            if (type == "TransferSettled")
            {
                openHold!.ResolvedVersion = version;
                holds.Add(openHold);
                openHold = null;
            }
            else if (type == "TransferDebited")
            {
                openHold = new TransferHold { AccountId = accountId, OpenedVersion = version, TransferId = transfer!.Value, Direction = "outgoing", Amount = 5m };
            }
            ledger.Add(new LedgerEntry
            {
                AccountId = accountId, Version = version, EventType = type, Amount = amount, BalanceAfter = balance, Reference = "benchmark",
                TransferId = transfer, OccurredAt = at, CausedBy = "teller:benchmark", OccurredAtTicks = at.UtcTicks, Status = "open",
                EventHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
                OldestPendingVersion = openHold?.OpenedVersion,
            });
            if (ledger.Count == RowsPerInsert)
            {
                await InsertAsync(db, ledger);
                ledger.Clear();
            }
            if (holds.Count == RowsPerInsert)
            {
                await InsertAsync(db, holds);
                holds.Clear();
            }
        }
        await InsertAsync(db, ledger);
        await InsertAsync(db, [.. holds, .. openHold is null ? [] : new[] { openHold }]);
        var last = Start + Spacing * (events - 1);
        db.Accounts.Add(new AccountSummary
        {
            AccountId = accountId, Owner = "Benchmark", OwnerId = "benchmark-customer", Currency = "EUR", Balance = balance, Status = "open",
            Version = events, OpenedAt = Start, OpenedAtTicks = Start.UtcTicks, UpdatedAt = last, LastEntryTicks = last.UtcTicks,
        });
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    private static async Task InsertAsync<T>(ReadModelDbContext db, IReadOnlyList<T> rows) where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        var entityType = db.Model.FindEntityType(typeof(T))!;
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var properties = entityType.GetProperties().ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var rowsPerStatement = db.Database.IsSqlite() ? 1 : rows.Count;
        await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} " +
            $"({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) VALUES " +
            string.Join(", ", Enumerable.Range(0, rowsPerStatement).Select(r => "(" + string.Join(", ", properties.Select((_, c) => $"@p{r}_{c}")) + ")"));
        for (var first = 0; first < rows.Count; first += rowsPerStatement)
        {
            command.Parameters.Clear();
            for (var r = 0; r < rowsPerStatement; r++)
            {
                for (var c = 0; c < properties.Count; c++)
                {
                    var property = properties[c];
                    var value = property.PropertyInfo!.GetValue(rows[first + r]);
                    command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, $"@p{r}_{c}", value, property.IsNullable));
                }
            }
            await command.ExecuteNonQueryAsync();
        }
    }
}
