using System.Reflection;

namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>Where the repository, its scripts and the built API host are, seen from the test assembly.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    public static string File(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>
    /// The API host's build output (built by this project's ProjectReference, same configuration and
    /// framework as the tests), e.g. <c>src/BankAccounts.Api/bin/Debug/net10.0</c>.
    /// </summary>
    public static string ApiOutputFolder()
    {
        var configuration = typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var folder = Path.Combine(Root, "src", "BankAccounts.Api", "bin", configuration, framework);
        if (!System.IO.File.Exists(Path.Combine(folder, "BankAccounts.Api.dll")))
        {
            throw new InvalidOperationException($"The API host is not built in {folder}: build the solution (dotnet build BankAccounts.sln) first.");
        }
        return folder;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "BankAccounts.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No BankAccounts.sln above {AppContext.BaseDirectory}.");
    }
}
