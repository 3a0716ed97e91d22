using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using BankAccounts.Actors.Telemetry;
using BankAccounts.Domain.Security;
using BankAccounts.ReadModel.Projections;
using OpenTelemetry;
using OpenTelemetry.Trace;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>A host whose gauges refresh quickly, that snapshots often and lets a Prometheus server scrape with a token.</summary>
public sealed class TelemetryApiTestHost() : ApiTestHost(
    $"--BankAccounts:Telemetry:ScrapeToken={TelemetryApiTestHost.ScrapeToken}",
    "--BankAccounts:Telemetry:GaugeRefreshInterval=00:00:00.200",
    "--BankAccounts:Accounts:SnapshotEvery=2")
{
    public const string ScrapeToken = "scrape-token-for-the-telemetry-specs";
}

[Collection(MeasuredAlone.Name)]
public sealed class TelemetrySpecs(TelemetryApiTestHost host) : IClassFixture<TelemetryApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    [Fact]
    public async Task Should_trace_one_deposit_from_the_http_request_through_the_entity_and_the_journal_write_to_the_projection()
    {
        var spans = new ConcurrentList<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(BankAccountsTelemetry.Name)
            .AddAspNetCoreInstrumentation()
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(spans)
            .Build();
        var id = await _api.Open();

        await _api.Deposit(id, 25m);

        // The server span ends just after the response is sent.
        var http = await Eventually.Until(
            () => Task.FromResult(spans.Snapshot().SingleOrDefault(s =>
                s.Kind == ActivityKind.Server && s.GetTagItem("url.path") as string == $"/accounts/{id}/deposits")),
            found => found is not null,
            TimeSpan.FromSeconds(10),
            "the request's server span ended");
        var trace = http!.TraceId;
        var ask = Single(spans, s => s.TraceId == trace && s.DisplayName == "account ask DepositMoney");
        Assert.Equal(http.SpanId, ask.ParentSpanId);
        Assert.Equal(ActivityKind.Client, ask.Kind);
        var decide = Single(spans, s => s.TraceId == trace && s.DisplayName == "account decide DepositMoney");
        Assert.Equal(ask.SpanId, decide.ParentSpanId);
        Assert.Equal("accepted", decide.GetTagItem("bankaccounts.command.outcome"));
        var write = Single(spans, s => s.TraceId == trace && s.DisplayName == "journal write");
        Assert.Equal(decide.SpanId, write.ParentSpanId);
        Assert.Equal(1, write.GetTagItem("bankaccounts.events"));
        // The projection applies batches of many requests' events: its span links to the deposit's trace.
        var projection = await Eventually.Until(
            () => Task.FromResult(spans.Snapshot().FirstOrDefault(s =>
                s.DisplayName == $"projection apply {ProjectionNames.AccountLedger}" && s.Links.Any(l => l.Context.TraceId == trace))),
            found => found is not null,
            TimeSpan.FromSeconds(30),
            "the ledger projection applied the deposit");
        Assert.Equal(ActivityKind.Consumer, projection!.Kind);
        Assert.Contains(projection.Links, l => l.Context.TraceId == trace && l.Context.SpanId == ask.SpanId);
    }

    [Fact]
    public async Task Should_let_admins_and_the_scrape_token_read_metrics_and_refuse_everyone_else()
    {
        using var anonymous = await host.ClientWith(null).GetAsync("/metrics");
        using var customer = await host.Http.GetAsync("/metrics");
        using var wrongToken = await host.ClientWith("not-the-scrape-token-at-all").GetAsync("/metrics");
        using var admin = await Admin.GetAsync("/metrics");
        using var scraper = await host.ClientWith(TelemetryApiTestHost.ScrapeToken).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraper.StatusCode);
        Assert.StartsWith("text/plain", scraper.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_the_command_counters_moving_in_a_scrape()
    {
        var id = await _api.Open();
        var deposits = Series("bankaccounts_commands_total", ("command_type", "DepositMoney"), ("outcome", "accepted"));
        var before = Value(await ScrapeAsync(), deposits) ?? 0;

        for (var i = 0; i < 3; i++)
        {
            await _api.Deposit(id, 10m);
        }

        await Eventually.Until(
            async () => Value(await ScrapeAsync(), deposits) ?? 0,
            after => after >= before + 3,
            TimeSpan.FromSeconds(10),
            $"three more accepted deposits than {before} were counted");
        var scrape = await ScrapeAsync();
        Assert.True(Value(scrape, "bankaccounts_command_duration_seconds_count", ("command_type", "DepositMoney"), ("outcome", "accepted")) >= 3);
        Assert.True(Value(scrape, "bankaccounts_journal_write_events_count") >= 4);
    }

    [Fact]
    public async Task Should_report_the_projection_caught_up_and_count_refused_requests()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 10m);
        await _api.Get(id, minVersion: 2);
        using (await host.ClientWith(null).GetAsync($"/accounts/{id}"))
        {
        }

        var scrape = await Eventually.Until(
            ScrapeAsync,
            text => Value(text, "bankaccounts_projection_offset", ("projection", ProjectionNames.AccountLedger)) >= 2
                && Value(text, "bankaccounts_projection_lag_events", ("projection", ProjectionNames.AccountLedger)) == 0,
            TimeSpan.FromSeconds(30),
            "the gauges show the ledger projection caught up");

        Assert.Equal(0, Value(scrape, "bankaccounts_projection_lag_seconds", ("projection", ProjectionNames.AccountLedger)));
        Assert.True(Value(scrape, "bankaccounts_http_rejected_total", ("http_response_status_code", "401")) >= 1);
        Assert.NotNull(Value(scrape, "bankaccounts_transfers", ("status", "pending")));
    }

    /// <summary>The Grafana dashboard would show "no data" for a metric the app does not export under that name.</summary>
    [Fact]
    public async Task Should_export_every_metric_the_grafana_dashboard_queries()
    {
        await ExerciseEveryInstrumentAsync();
        var queried = DashboardMetricNames();
        Assert.NotEmpty(queried);

        var missing = await Eventually.Until(
            async () =>
            {
                var exported = Exported(await ScrapeAsync());
                return string.Join(", ", queried.Where(name => !exported.Contains(name)));
            },
            names => names.Length == 0,
            TimeSpan.FromSeconds(30),
            $"each of the {queried.Count} metrics the dashboard queries is in a scrape (missing are listed)");
        Assert.Empty(missing);
    }

    /// <summary>
    /// Makes each instrument record at least once: counters appear in a scrape only once something was counted.
    /// </summary>
    private async Task ExerciseEveryInstrumentAsync()
    {
        var from = await _api.Open(overdraftLimit: 100m);
        var to = await _api.Open();
        for (var i = 0; i < 3; i++)
        {
            await _api.Deposit(from, 10m); // SnapshotEvery=2: snapshots are saved
        }
        using (var transfer = await _api.Post("/transfers", $$"""{ "fromAccountId": "{{from}}", "toAccountId": "{{to}}", "amount": 5 }"""))
        {
            Assert.True(transfer.IsSuccessStatusCode, $"transfer: {(int)transfer.StatusCode}");
        }
        // A deposit to an account nobody opened: that entity recovers, answers 404 and passivates at once.
        using (await _api.Post($"/accounts/{Guid.NewGuid()}/deposits", """{ "amount": 1 }"""))
        {
        }
        using (await host.ClientWith(null).GetAsync("/accounts"))
        {
        }
        // The live feeds (Server-Sent Events) count their subscribers through this hook.
        BankAccountsTelemetry.LiveSubscriberConnected("test").Dispose();
    }

    private HttpClient Admin => host.ClientFor(Role.Admin, "test-admin");

    private async Task<string> ScrapeAsync()
    {
        using var client = host.ClientWith(TelemetryApiTestHost.ScrapeToken);
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Metric names in the Prometheus exposition (the series names, histograms with their suffixes).</summary>
    private static HashSet<string> Exported(string scrape) =>
        scrape.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line[..line.IndexOfAny(['{', ' '])])
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Every metric name in the dashboard's PromQL expressions (functions, labels and keywords left out).</summary>
    private static List<string> DashboardMetricNames()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "deploy", "bankaccounts.json")));
        var expressions = new List<string>();
        Collect(dashboard.RootElement, expressions);
        return expressions
            .Select(e => Regex.Replace(e, @"\{[^}]*\}|\[[^\]]*\]|""[^""]*""", " "))
            .SelectMany(e => Regex.Matches(e, @"\b(?:bankaccounts|http_server|kestrel|dotnet)_[a-z0-9_]+\b").Select(m => m.Value))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        static void Collect(JsonElement element, List<string> into)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                        {
                            into.Add(property.Value.GetString()!);
                        }
                        else
                        {
                            Collect(property.Value, into);
                        }
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item, into);
                    }
                    break;
            }
        }
    }

    private static (string Name, (string Label, string Value)[] Labels) Series(string name, params (string, string)[] labels) => (name, labels);

    private static double? Value(string scrape, (string Name, (string Label, string Value)[] Labels) series) =>
        Value(scrape, series.Name, series.Labels);

    /// <summary>The sum of the series named <paramref name="name"/> that carry all <paramref name="labels"/>; null when there is none.</summary>
    private static double? Value(string scrape, string name, params (string Label, string Value)[] labels)
    {
        double? sum = null;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal)))
            {
                continue;
            }
            if (labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                var parts = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ');
                sum = (sum ?? 0) + double.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }
        return sum;
    }

    private static Activity Single(ConcurrentList<Activity> spans, Func<Activity, bool> match)
    {
        var found = spans.Snapshot().Where(match).ToList();
        Assert.True(found.Count == 1, $"expected one matching span, found {found.Count}: " +
            string.Join(", ", spans.Snapshot().Select(s => s.DisplayName).Distinct()));
        return found[0];
    }

    /// <summary>The exporter appends from the threads spans end on; reads take a copy.</summary>
    private sealed class ConcurrentList<T> : ICollection<T>
    {
        private readonly List<T> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<T> Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public bool Contains(T item) => Snapshot().Contains(item);

        public void CopyTo(T[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(T item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// Specs that read process-wide instruments (meters and activity sources are matched by name, so every
/// host in the test process feeds one scrape): they run when no other test host is alive.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "Measured alone";
}
