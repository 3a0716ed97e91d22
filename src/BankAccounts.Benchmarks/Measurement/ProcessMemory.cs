namespace BankAccounts.Benchmarks.Measurement;

/// <summary>Resident memory of this process, from /proc (Linux) or the runtime elsewhere.</summary>
internal static class ProcessMemory
{
    /// <summary>Current resident set size in bytes.</summary>
    public static long Resident() => ReadStatus("VmRSS:") ?? Environment.WorkingSet;

    /// <summary>
    /// Resident memory the process owns (heap, stacks: <c>RssAnon</c>), without the database pages SQLite maps into it,
    /// which count in the resident set while they are touched but are the operating system's file cache.
    /// </summary>
    public static long ResidentAnonymous() => ReadStatus("RssAnon:") ?? Environment.WorkingSet;

    /// <summary>Peak resident set size since the process started, in bytes.</summary>
    public static long PeakResident() => ReadStatus("VmHWM:") ?? System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;

    private static long? ReadStatus(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return null;
        }
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var kb = line?[field.Length..].Trim().Split(' ')[0];
        return long.TryParse(kb, out var value) ? value * 1024 : null;
    }
}
