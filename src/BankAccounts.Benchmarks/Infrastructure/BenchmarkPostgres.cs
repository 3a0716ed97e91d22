using System.Diagnostics;

namespace BankAccounts.Benchmarks;

/// <summary>
/// Starts a throwaway PostgreSQL server through the repository's own <c>scripts/postgres.sh</c>, on a
/// port of its own (<see cref="Port"/>, or <c>BANK_PG_PORT</c>), so tests stopping theirs do not hit it.
/// </summary>
internal static class BenchmarkPostgres
{
    public const string Port = "55433";

    public static string? TryStartFromRepositoryScript()
    {
        var root = RepositoryRoot();
        var script = root is null ? null : Path.Combine(root, "scripts", "postgres.sh");
        if (script is null || !File.Exists(script))
        {
            return null;
        }
        Run(script, "start");
        var url = Run(script, "url", "postgres").Trim();
        return url.Length == 0 ? null : url;
    }

    private static string? RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BankAccounts.sln")))
            {
                return folder.FullName;
            }
        }
        return null;
    }

    private static string Run(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [script, .. arguments]) { RedirectStandardOutput = true, UseShellExecute = false };
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("BANK_PG_PORT")))
        {
            start.Environment["BANK_PG_PORT"] = Port;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} exited with {process.ExitCode}.");
        }
        return output;
    }
}
