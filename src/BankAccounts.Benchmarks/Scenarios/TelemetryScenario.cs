using BankAccounts.Benchmarks.Infrastructure;
using BankAccounts.Benchmarks.Measurement;
using BankAccounts.Benchmarks.Reporting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BankAccounts.Benchmarks.Scenarios;

/// <summary>
/// What telemetry costs on the REST path, in one run: the same deposits against a host with telemetry
/// off (no exporter, no /metrics: no listener on any instrument) and one with it on as in production (traces sampled
/// at 10 % and exported over OTLP to a loopback sink, metrics exported over OTLP and read by /metrics). After two
/// discarded warm-up hosts (one of each, so both code paths are compiled), off and on run in the order off, on, on,
/// off on fresh stores, so a steady drift of a shared machine (tiered JIT, other load) falls on both alike. The hosts
/// cannot run side by side: the app's ActivitySource and Meter are process-wide, so an "on" host would listen to the
/// "off" one too.
/// </summary>
internal sealed class TelemetryScenario : IScenario
{
    public const double ProductionSampleRatio = 0.1;

    public string Name => "telemetry";

    public async Task RunAsync(BenchmarkContext context)
    {
        await using var sink = await OtlpSink.StartAsync();
        string[] off = ["--BankAccounts:Telemetry:PrometheusEndpoint=false"];
        string[] on =
        [
            $"--BankAccounts:Telemetry:OtlpEndpoint={sink.Address}",
            "--BankAccounts:Telemetry:OtlpProtocol=HttpProtobuf",
            $"--BankAccounts:Telemetry:TraceSampleRatio={ProductionSampleRatio}",
        ];
        var results = new Dictionary<string, List<LoadResult>> { ["off"] = [], ["on"] = [] };
        context.Log($"Telemetry warm-up, off (discarded): {await MeasureAsync(context, "telemetry-warm-up-off", off)}");
        context.Log($"Telemetry warm-up, on (discarded): {await MeasureAsync(context, "telemetry-warm-up-on", on)}");
        var round = 0;
        foreach (var (name, args) in new[] { ("off", off), ("on", on), ("on", on), ("off", off) })
        {
            var result = await MeasureAsync(context, $"telemetry-{name}-{++round}", args);
            context.Log($"Telemetry {name} (run {round}): {result}");
            results[name].Add(result);
        }

        var offRate = results["off"].Average(r => r.PerSecond);
        var onRate = results["on"].Average(r => r.PerSecond);
        var offCpu = results["off"].Average(r => r.CpuPerOperation);
        var onCpu = results["on"].Average(r => r.CpuPerOperation);
        var report = context.Report;
        report.Add(new ResultRow(Name, "deposits/s, telemetry off", offRate, "/s"));
        report.Add(new ResultRow(Name, $"deposits/s, telemetry on (traces {ProductionSampleRatio:P0} over OTLP, metrics)", onRate, "/s",
            Comparison: $"{onRate / offRate - 1:+0.0%;-0.0%} vs off"));
        report.Add(new ResultRow(Name, "CPU per deposit, telemetry off", offCpu, "µs"));
        report.Add(new ResultRow(Name, "CPU per deposit, telemetry on", onCpu, "µs", Comparison: $"{onCpu / offCpu - 1:+0.0%;-0.0%} vs off"));
        report.Add(new ResultRow(Name, "latency p99, telemetry off", results["off"].Average(r => r.Latency.P99), "ms"));
        report.Add(new ResultRow(Name, "latency p99, telemetry on", results["on"].Average(r => r.Latency.P99), "ms"));
        report.Add(new ResultRow(Name, "OTLP requests received by the sink", sink.Requests, "requests",
            Comparison: $"{sink.Bytes / 1024.0:N0} KiB"));
        report.Detail("telemetry", new { off = results["off"], on = results["on"], sinkRequests = sink.Requests, sinkBytes = sink.Bytes });
    }

    private static async Task<LoadResult> MeasureAsync(BenchmarkContext context, string storeName, string[] args)
    {
        var options = context.Options;
        await using var store = await BenchmarkStore.CreateAsync(options, storeName);
        await using var api = await ApiHost.StartAsync(store, args);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Connections, UseProxy = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { Authorization = api.Authorization } };
        var accounts = await HttpWorkload.OpenAccountsAsync(http, "bench", options.Accounts, options.Connections);
        var deposits = Math.Max(1_000, options.Deposits / 2);
        await LoadDriver.ClosedLoopAsync(Math.Min(deposits / 5, 5_000), options.Connections, _ => HttpWorkload.DepositAsync(http, accounts));
        var result = await LoadDriver.ClosedLoopAsync(deposits, options.Connections, _ => HttpWorkload.DepositAsync(http, accounts));
        Workload.EnsureNoErrors(result, "depositing over HTTP");
        return result;
    }

    /// <summary>An OTLP/HTTP receiver on loopback that accepts every export and keeps nothing but counts.</summary>
    private sealed class OtlpSink : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _requests;
        private long _bytes;

        private OtlpSink(WebApplication app) => _app = app;

        public Uri Address { get; private set; } = null!;

        public long Requests => Interlocked.Read(ref _requests);

        public long Bytes => Interlocked.Read(ref _bytes);

        public static async Task<OtlpSink> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var sink = new OtlpSink(app);
            app.MapPost("/v1/{signal}", async (HttpContext http) =>
            {
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await http.Request.Body.ReadAsync(buffer)) > 0)
                {
                    Interlocked.Add(ref sink._bytes, read);
                }
                Interlocked.Increment(ref sink._requests);
                http.Response.ContentType = "application/x-protobuf";
                return Results.Ok();
            });
            await app.StartAsync();
            sink.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
            return sink;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
