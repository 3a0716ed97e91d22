using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using BankAccounts.Actors;
using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// What security costs, measured beside the REST figures: validating the bearer token of
/// every request, and a flood of commands and queries for account ids nobody opened.
/// </summary>
internal static class SecurityCosts
{
    public const int FloodRequests = 10_000;
    private const int Validations = 20_000;

    public static async Task MeasureAsync(BenchmarkContext context, ApiHost api, HttpClient http)
    {
        var report = context.Report;
        var bearer = api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var rest = context.Report.Rows.FirstOrDefault(r => r.Scenario == "rest" && r.Metric.StartsWith("deposits/s", StringComparison.Ordinal));
        var firstTime = await TokenValidationAsync(new JsonWebTokenHandler(), bearer, api.Authorization.Parameter!);
        var perRequest = await TokenValidationAsync(bearer.TokenHandlers.Single(), bearer, api.Authorization.Parameter!);
        context.Log($"Token validation (ES256, the server's own parameters): {firstTime:N1} µs CPU the first time, {perRequest:N1} µs per request with the app's handler");
        report.Add(new ResultRow("rest", "bearer token: ES256 validation (first request of a token)", firstTime, "µs",
            Comparison: rest is null ? null : $"{firstTime * rest.Value / 1_000_000:P1} of one core if paid at the REST max"));
        report.Add(new ResultRow("rest", "bearer token: per request (the app's handler, validation remembered)", perRequest, "µs",
            Comparison: rest is null ? null : $"{perRequest * rest.Value / 1_000_000:P2} of one core at the REST max"));

        var (activeAfter, rssBefore, rssAfter, seconds) = await FloodAsync(api, http);
        context.Log($"Flood of {FloodRequests:N0} requests for random ids in {seconds:0.0} s: {activeAfter} accounts active after, own resident memory (RssAnon) {rssBefore / 1048576:N0} → {rssAfter / 1048576:N0} MiB");
        report.Add(new ResultRow("rest", $"{FloodRequests:N0} requests for unknown ids: more accounts active after than before", activeAfter, "entities"));
        report.Add(new ResultRow("rest", $"{FloodRequests:N0} requests for unknown ids: growth of the process's own resident memory (RssAnon)", (rssAfter - rssBefore) / 1048576.0, "MiB",
            Comparison: $"{FloodRequests / seconds:N0} requests/s"));
    }

    /// <summary>CPU per validation with the exact parameters the JwtBearer handler of the running app uses.</summary>
    private static async Task<double> TokenValidationAsync(Microsoft.IdentityModel.Tokens.TokenHandler handler, JwtBearerOptions bearer, string token)
    {
        for (var i = 0; i < 1_000; i++)
        {
            await Validate();
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < Validations; i++)
        {
            await Validate();
        }
        return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Validations;

        async Task Validate()
        {
            // A copy per request, as the JwtBearer handler makes one.
            var result = await handler.ValidateTokenAsync(token, bearer.TokenValidationParameters.Clone());
            if (!result.IsValid)
            {
                throw new InvalidOperationException("The benchmark's own token did not validate.", result.Exception);
            }
        }
    }

    /// <summary>
    /// Deposits to and reads of random account ids (each a 404), from many connections: every one
    /// would have activated an entity for the whole idle timeout; an unopened account now stops at once.
    /// </summary>
    private static async Task<(int ActiveAfter, long RssBefore, long RssAfter, double Seconds)> FloodAsync(ApiHost api, HttpClient http)
    {
        var region = await api.Services.GetRequiredService<IRequiredActor<AccountActor>>().GetAsync();
        var activeBefore = await ActiveAsync(region);
        var rssBefore = ProcessMemory.ResidentAnonymous();
        var clock = Stopwatch.StartNew();
        var result = await LoadDriver.ClosedLoopAsync(FloodRequests, 64, async i =>
        {
            using var response = i % 2 == 0
                ? await http.PostAsync($"/accounts/{Guid.NewGuid()}/deposits", new StringContent("""{"amount":1}""", System.Text.Encoding.UTF8, "application/json"))
                : await http.GetAsync($"/accounts/{Guid.NewGuid()}/events");
            return response.StatusCode == HttpStatusCode.NotFound;
        });
        var seconds = clock.Elapsed.TotalSeconds;
        Workload.EnsureNoErrors(result, "flooding unknown ids");
        // Passivation is asynchronous: give the shards a bounded moment to stop what they started.
        var deadline = Stopwatch.StartNew();
        int active;
        while ((active = await ActiveAsync(region)) > activeBefore && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }
        return (Math.Max(0, active - activeBefore), rssBefore, ProcessMemory.ResidentAnonymous(), seconds);
    }

    private static async Task<int> ActiveAsync(IActorRef region) =>
        (await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10))).Shards.Sum(s => s.EntityIds.Count);
}
