namespace BankAccounts.Api.Cli;

/// <summary>
/// <c>BankAccounts.Api --health-check [url]</c>: asks a running node's readiness endpoint and exits 0 when
/// it answers 2xx, 1 otherwise. Container health checks use it (the runtime image has no curl).
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--health-check";
    public const string DefaultUrl = "http://127.0.0.1:8080/health/ready";

    /// <summary>How long the probe waits for the node's answer before it reports the node as not ready.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Argument;

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl;
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url);
            Console.WriteLine($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{url}: {e.Message}");
            return 1;
        }
    }
}
