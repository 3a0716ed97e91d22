using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BankAccounts.Benchmarks.Reporting;

/// <summary>One measured figure, with its target when docs/performance.md sets one.</summary>
/// <param name="Comparison">A same-run baseline it is compared with, e.g. "2.1× CRUD".</param>
internal sealed record ResultRow(
    string Scenario, string Metric, double Value, string Unit, string? Target = null, bool? Met = null, string? Comparison = null);

/// <summary>The figures of one benchmark run: printed as a table and written as JSON.</summary>
internal sealed class Report(BenchmarkOptions options, string[] args)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<ResultRow> _rows = [];
    private readonly Dictionary<string, object> _details = [];

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public MachineInfo Machine { get; } = MachineInfo.Read();

    public IReadOnlyList<ResultRow> Rows => _rows;

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  {row.Scenario,-11} {row.Metric,-44} {Format(row.Value),12} {row.Unit,-9} {Verdict(row)}");
    }

    /// <summary>Raw material of a scenario (latency summaries, parameters) for the JSON file.</summary>
    public void Detail(string key, object value) => _details[key] = value;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | metric | measured | target | vs baseline |");
        text.AppendLine("|---|---|---:|---|---|");
        foreach (var row in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {row.Metric} | {Format(row.Value)} {row.Unit} | {Verdict(row)} | {row.Comparison ?? ""} |");
        }
        return text.ToString();
    }

    public async Task<string> WriteAsync()
    {
        Directory.CreateDirectory(options.OutputFolder);
        var stamp = StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = Path.Combine(options.OutputFolder, $"benchmark-{stamp}-{options.Provider}.json");
        var document = new
        {
            startedAt = StartedAt,
            finishedAt = DateTimeOffset.UtcNow,
            command = "dotnet run -c Release --project src/BankAccounts.Benchmarks -- " + string.Join(' ', args),
            machine = Machine,
            options,
            results = _rows,
            details = _details,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json));
        await File.WriteAllTextAsync(Path.Combine(options.OutputFolder, $"benchmark-{stamp}-{options.Provider}.md"), ToMarkdown());
        return path;
    }

    private static string Verdict(ResultRow row) => row.Target is null
        ? ""
        : $"{row.Target} {(row.Met switch { true => "✅", false => "❌", null => "" })}".Trim();

    private static string Format(double value) => Math.Abs(value) switch
    {
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };
}

/// <summary>What the figures were measured on.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string Memory, string Os, string Runtime, string LoadAverage, bool ServerGc)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ProcField("/proc/meminfo", "MemTotal") is { } kb ? $"{long.Parse(kb.Split(' ')[0], CultureInfo.InvariantCulture) / 1024 / 1024.0:0.0} GiB" : "?",
        OsName(),
        RuntimeInformation.FrameworkDescription,
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?",
        System.Runtime.GCSettings.IsServerGC);

    public static string LoadAverageNow() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string OsName()
    {
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? $"Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}" : RuntimeInformation.OSDescription;
        return pretty is null ? kernel : $"{pretty}, {kernel}";
    }

    private static string? ProcField(string path, string field) => File.Exists(path)
        ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;
}
