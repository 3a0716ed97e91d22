using System.Globalization;
using BankAccounts.Actors.Persistence;

namespace BankAccounts.Benchmarks;

/// <summary>Command line of the benchmark; every knob has a default, the size of the runs in docs/performance.md.</summary>
internal sealed record BenchmarkOptions
{
    public static readonly string[] AllScenarios = ["actor", "rest", "telemetry", "chain", "recovery", "projection", "live", "history"];
    public static readonly string[] KnownScenarios = [.. AllScenarios, "scale"];

    /// <summary>Scenarios to run; <c>all</c> means everything but the opt-in <c>scale</c>.</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; init; } = "sqlite";

    /// <summary>PostgreSQL server (a maintenance database); the benchmark creates and drops its own databases on it.</summary>
    public string? PostgresConnectionString { get; init; }

    public int Accounts { get; init; } = 1_000;

    public int Deposits { get; init; } = 50_000;

    public int Concurrency { get; init; } = 64;

    /// <summary>HTTP connections (and concurrent workers) of the REST client.</summary>
    public int Connections { get; init; } = 64;

    /// <summary>
    /// Rows per transaction of the same-pattern storage baseline: what the journal's batching reaches under the
    /// actor scenario (~25-45 events per commit measured on SQLite; the plugin's <c>batch-size</c> is only its ceiling).
    /// </summary>
    public int BaselineBatch { get; init; } = 30;

    public int RecoveryEvents { get; init; } = 10_000;

    public int ColdAccounts { get; init; } = 1_000;

    public int RebuildEvents { get; init; } = 100_000;

    public TimeSpan ProjectionDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RateDuration { get; init; } = TimeSpan.FromSeconds(15);

    public int ScaleAccounts { get; init; } = 1_000_000;

    /// <summary>Subscriber counts of the SSE fan-out phases, each for <see cref="LiveDuration"/> at <see cref="LiveWriteRate"/>.</summary>
    public IReadOnlyList<int> LiveSubscribers { get; init; } = [1, 10, 100];

    public double LiveWriteRate { get; init; } = 500;

    public TimeSpan LiveDuration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Ledger entries of the one account the history scenario reads as of a version or an instant.</summary>
    public int HistoryEvents { get; init; } = 1_000_000;

    /// <summary>Idle time before an account is unloaded in the scale scenario (production default: 2 min).</summary>
    public TimeSpan ScalePassivateAfter { get; init; } = TimeSpan.FromSeconds(10);

    public string OutputFolder { get; init; } = "benchmark-results";

    /// <summary>SQLite's synchronous setting for the journal and the baselines alike (BankAccounts:Journal:SqliteSynchronous); null: the production default.</summary>
    public SqliteSynchronous? Synchronous { get; init; }

    public static string Usage => """
        dotnet run -c Release --project src/BankAccounts.Benchmarks -- [options]

          --scenario all|actor|rest|telemetry|chain|recovery|projection|live|history|scale[,…]   default: all (= everything but scale)
          --provider sqlite|postgres                                 default: sqlite
          --pg "Host=…;Username=…;Database=postgres"                 PostgreSQL server (else $BANKACCOUNTS_BENCH_PG, else scripts/postgres.sh)
          --accounts N          accounts for the actor and REST paths (1000)
          --deposits M          deposits measured per path (50000)
          --concurrency C       concurrent callers on the actor path (64)
          --connections K       HTTP connections / workers of the REST client (64)
          --baseline-batch B    rows per transaction of the same-pattern storage baseline (30)
          --recovery-events E   events of the single account replayed in the recovery scenario (10000)
          --cold-accounts A     accounts activated at once in the recovery scenario (1000)
          --rebuild-events R    events in the journal when the projection is rebuilt (100000)
          --projection-seconds S, --rate-seconds S   length of the fixed-rate phases (15, 15)
          --scale-accounts S    accounts opened by the scale scenario (1000000)
          --live-subscribers N[,…]   SSE subscribers on the all-accounts feed, one phase each (1,10,100)
          --live-rate R         deposits/s written during each live phase (500)
          --live-seconds S      length of each live phase (6)
          --scale-passivate T   idle time before an account is passivated there (00:00:10)
          --history-events H    ledger entries of the account the history scenario reads (1000000)
          --synchronous full|normal   SQLite journal durability (BankAccounts:Journal:SqliteSynchronous; default: the production default)
          --out DIR             where the JSON goes (benchmark-results)
        """;

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions { PostgresConnectionString = Environment.GetEnvironmentVariable("BANKACCOUNTS_BENCH_PG") };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int() => int.Parse(Value(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            options = name switch
            {
                "--scenario" or "--scenarios" => options with { Scenarios = ParseScenarios(Value()) },
                "--provider" => options with { Provider = ParseProvider(Value()) },
                "--pg" => options with { PostgresConnectionString = Value() },
                "--accounts" => options with { Accounts = Int() },
                "--deposits" => options with { Deposits = Int() },
                "--concurrency" => options with { Concurrency = Int() },
                "--connections" => options with { Connections = Int() },
                "--baseline-batch" => options with { BaselineBatch = Int() },
                "--recovery-events" => options with { RecoveryEvents = Int() },
                "--cold-accounts" => options with { ColdAccounts = Int() },
                "--rebuild-events" => options with { RebuildEvents = Int() },
                "--projection-seconds" => options with { ProjectionDuration = TimeSpan.FromSeconds(Int()) },
                "--rate-seconds" => options with { RateDuration = TimeSpan.FromSeconds(Int()) },
                "--scale-accounts" => options with { ScaleAccounts = Int() },
                "--live-subscribers" => options with { LiveSubscribers = [.. Value().Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))] },
                "--live-rate" => options with { LiveWriteRate = Int() },
                "--live-seconds" => options with { LiveDuration = TimeSpan.FromSeconds(Int()) },

                "--history-events" => options with { HistoryEvents = Int() },
                "--scale-passivate" => options with { ScalePassivateAfter = TimeSpan.Parse(Value(), CultureInfo.InvariantCulture) },
                "--out" => options with { OutputFolder = Value() },
                "--synchronous" => options with { Synchronous = Enum.Parse<SqliteSynchronous>(Value(), ignoreCase: true) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }
        if (options.Accounts < 1 || options.Deposits < 1 || options.Concurrency < 1 || options.Connections < 1 || options.BaselineBatch < 1)
        {
            throw new ArgumentException("--accounts, --deposits, --concurrency, --connections and --baseline-batch must be positive.");
        }
        return options;
    }

    private static string[] ParseScenarios(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).ToArray();
        if (names.Contains("all"))
        {
            return [.. AllScenarios, .. names.Where(n => n == "scale")];
        }
        foreach (var name in names.Where(n => !KnownScenarios.Contains(n)))
        {
            throw new ArgumentException($"Unknown scenario '{name}'.");
        }
        return names;
    }

    private static string ParseProvider(string value) => value.ToLowerInvariant() switch
    {
        "sqlite" => "sqlite",
        "postgres" or "postgresql" or "pg" => "postgres",
        _ => throw new ArgumentException($"Unknown provider '{value}' (sqlite or postgres)."),
    };
}
