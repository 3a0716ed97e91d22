namespace BankAccounts.Cluster.Tests.Infrastructure;

/// <summary>
/// A private copy of the API host's build output: the nodes run from it, so a concurrent rebuild of
/// the solution cannot swap assemblies under running processes.
/// </summary>
public sealed class ApiBinaries : IDisposable
{
    public ApiBinaries()
    {
        Folder = Path.Combine(Path.GetTempPath(), "bankaccounts-cluster-tests", "app-" + Guid.NewGuid().ToString("N"));
        Copy(Repository.ApiOutputFolder(), Folder);
    }

    public string Folder { get; }

    public string DllPath => Path.Combine(Folder, "BankAccounts.Api.dll");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Leaks a temp folder at worst.
        }
    }

    private static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        foreach (var folder in Directory.EnumerateDirectories(source))
        {
            Copy(folder, Path.Combine(target, Path.GetFileName(folder)));
        }
    }
}
