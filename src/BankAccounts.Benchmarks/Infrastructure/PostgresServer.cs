using System.Diagnostics;

namespace BankAccounts.Benchmarks;

/// <summary>Finds a PostgreSQL server through the repository's own <c>scripts/postgres.sh</c>, when it has one.</summary>
internal static class PostgresServer
{
    public static string? TryStartFromRepositoryScript()
    {
        var root = RepositoryRoot();
        var script = root is null ? null : Path.Combine(root, "scripts", "postgres.sh");
        if (script is null || !File.Exists(script))
        {
            return null;
        }
        Run(script, "start");
        var url = Run(script, "url").Trim();
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

    private static string Run(string script, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [script, argument])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {argument} exited with {process.ExitCode}.");
        }
        return output;
    }
}
