using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BankAccounts.Domain.Security;
using CsvHelper;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>As-of reads, balances for charts and statements, over real HTTP with real tokens.</summary>
public sealed class HistorySpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    [Fact]
    public async Task Should_answer_the_account_as_it_was_at_each_version_with_its_pending_transfers()
    {
        var from = await _api.Open();
        var to = await _api.Open(owner: "Bo");
        await _api.Deposit(from, 100m);
        using (var transfer = await _api.Post("/transfers", $$"""{ "fromAccountId": "{{from}}", "toAccountId": "{{to}}", "amount": 30 }"""))
        {
            Assert.True(transfer.IsSuccessStatusCode, await transfer.Content.ReadAsStringAsync());
        }
        var current = await _api.Get(from, minVersion: 4); // opened, deposited, debited, settled

        var debited = await AccountAt(from, "atVersion=3");
        var settled = await AccountAt(from, "atVersion=4");
        var deposited = await AccountAt(from, "atVersion=2");

        Assert.Equal((100m, 2L, 0), (deposited.GetProperty("balance").GetDecimal(), deposited.GetProperty("version").GetInt64(), deposited.GetProperty("pendingTransfers").GetArrayLength()));
        Assert.Equal(70m, debited.GetProperty("balance").GetDecimal());
        var pending = Assert.Single(debited.GetProperty("pendingTransfers").EnumerateArray());
        Assert.Equal(("outgoing", 30m), (pending.GetProperty("direction").GetString(), pending.GetProperty("amount").GetDecimal()));
        Assert.Equal(0, settled.GetProperty("pendingTransfers").GetArrayLength());
        Assert.Equal("open", settled.GetProperty("status").GetString());
        // The head of the chain: the current one is the head at the current version; each version has its own.
        Assert.Matches("^[0-9a-f]{64}$", current.GetProperty("chainHead").GetString());
        Assert.Equal(current.GetProperty("chainHead").GetString(), (await AccountAt(from, $"atVersion={current.GetProperty("version").GetInt64()}")).GetProperty("chainHead").GetString());
        Assert.NotEqual(debited.GetProperty("chainHead").GetString(), settled.GetProperty("chainHead").GetString());
    }

    [Fact]
    public async Task Should_answer_the_account_as_of_an_instant()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 10m);
        var between = DateTimeOffset.UtcNow;
        await Eventually.Until(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > between, TimeSpan.FromSeconds(5), "the clock moves on");
        await _api.Deposit(id, 5m);
        var current = await _api.Get(id, minVersion: 3);

        var before = await AccountAt(id, "asOf=" + Uri.EscapeDataString(between.ToString("O", CultureInfo.InvariantCulture)));
        var now = await AccountAt(id, "asOf=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)));

        Assert.Equal((10m, 2L), (before.GetProperty("balance").GetDecimal(), before.GetProperty("version").GetInt64()));
        Assert.Equal((15m, 3L), (now.GetProperty("balance").GetDecimal(), now.GetProperty("version").GetInt64()));
        Assert.Equal(current.GetProperty("chainHead").GetString(), now.GetProperty("chainHead").GetString());
    }

    [Theory]
    [InlineData("asOf=yesterday", HttpStatusCode.BadRequest, "invalid-request", "asOf")]
    [InlineData("asOf=2026-03-01T10:00:00", HttpStatusCode.BadRequest, "invalid-request", "asOf")] // no offset: ambiguous
    [InlineData("asOf=2999-01-01T00:00:00Z", HttpStatusCode.BadRequest, "invalid-request", "asOf")]
    [InlineData("atVersion=0", HttpStatusCode.BadRequest, "invalid-request", "atVersion")]
    [InlineData("atVersion=x", HttpStatusCode.BadRequest, "invalid-request", "atVersion")]
    [InlineData("atVersion=1&asOf=2026-03-01T10:00:00Z", HttpStatusCode.BadRequest, "invalid-request", "asOf")]
    [InlineData("atVersion=99", HttpStatusCode.NotFound, "version-not-found", null)]
    [InlineData("asOf=2000-01-01T00:00:00Z", HttpStatusCode.NotFound, "account-not-opened-yet", null)]
    public async Task Should_answer_a_problem_for_a_point_in_time_it_cannot_serve(string query, HttpStatusCode status, string type, string? field)
    {
        var id = await _api.Open();
        await _api.Get(id, minVersion: 1);

        using var response = await _api.Http.GetAsync($"/accounts/{id}?{query}");

        var problem = await ExpectProblem(response, status, type);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        }
    }

    [Fact]
    public async Task Should_give_a_statement_whose_entries_add_up_with_declines_marked()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 100m);
        await _api.Withdraw(id, 30.5m);
        using (var declined = await _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 1000 }"""))
        {
            await ExpectProblem(declined, HttpStatusCode.UnprocessableContent, "insufficient-funds");
        }
        var current = await _api.Get(id, minVersion: 4);

        var statement = await Statement(id, Today(-1), Today(1));

        Assert.Equal(0m, statement.GetProperty("openingBalance").GetDecimal());
        var entries = statement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["AccountOpened", "MoneyDeposited", "MoneyWithdrawn", "WithdrawalDeclined"], entries.Select(e => e.GetProperty("eventType").GetString()));
        Assert.Equal([false, false, false, true], entries.Select(e => e.GetProperty("declined").GetBoolean()));
        Assert.Equal([0m, 100m, -30.5m, 0m], entries.Select(e => e.GetProperty("amount").GetDecimal()));
        Assert.Equal((100m, 30.5m, 69.5m), (statement.GetProperty("totalIn").GetDecimal(), statement.GetProperty("totalOut").GetDecimal(), statement.GetProperty("closingBalance").GetDecimal()));
        Assert.Equal(4L, statement.GetProperty("closingVersion").GetInt64());
        Assert.Equal(current.GetProperty("chainHead").GetString(), statement.GetProperty("chainHead").GetString());
        Assert.Equal(entries[^1].GetProperty("eventHash").GetString(), statement.GetProperty("chainHead").GetString());
    }

    [Fact]
    public async Task Should_give_the_same_statement_as_csv_parsed_back_with_a_csv_library()
    {
        var id = await _api.Open(owner: "Ada");
        await _api.Deposit(id, 12.34m);
        using (var withReference = await _api.Post($"/accounts/{id}/deposits", """{ "amount": 1, "reference": "rent, \"March\"" }"""))
        {
            await Expect(withReference, HttpStatusCode.OK);
        }
        await _api.Withdraw(id, 0.34m);
        await _api.Get(id, minVersion: 4);
        var json = await Statement(id, Today(-1), Today(1), "Europe/Paris");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/accounts/{id}/statements?from={Today(-1)}&to={Today(1)}&timeZone=Europe/Paris");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await _api.Http.SendAsync(request);
        await Expect(response, HttpStatusCode.OK);
        Assert.Equal("text/csv", ContentType(response)?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\r\n", text);

        using var csv = CsvReader.Create(Encoding.UTF8.GetBytes(text));
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            rows.Add(csv.Headers.ToArray().Select((name, i) => (name, value: csv.GetString(i))).ToDictionary(f => f.name, f => f.value));
        }
        Assert.Equal(["opening", "entry", "entry", "entry", "entry", "closing"], rows.Select(r => r["kind"]));
        Assert.Equal(json.GetProperty("openingBalance").GetDecimal(), decimal.Parse(rows[0]["balance"], CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("from").GetDateTimeOffset(), DateTimeOffset.Parse(rows[0]["occurredAt"], CultureInfo.InvariantCulture));
        var entries = json.GetProperty("entries").EnumerateArray().ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            var row = rows[i + 1];
            var entry = entries[i];
            Assert.Equal(entry.GetProperty("version").GetInt64(), long.Parse(row["version"], CultureInfo.InvariantCulture));
            Assert.Equal(entry.GetProperty("occurredAt").GetString(), row["occurredAt"]);
            Assert.Equal(entry.GetProperty("eventType").GetString(), row["eventType"]);
            Assert.Equal(entry.GetProperty("declined").GetBoolean(), bool.Parse(row["declined"]));
            Assert.Equal(entry.GetProperty("amount").GetDecimal(), decimal.Parse(row["amount"], CultureInfo.InvariantCulture));
            Assert.Equal(entry.GetProperty("balanceAfter").GetDecimal(), decimal.Parse(row["balance"], CultureInfo.InvariantCulture));
            Assert.Equal(entry.GetProperty("reference").GetString() ?? "", row["reference"]);
            Assert.Equal(entry.GetProperty("eventHash").GetString(), row["eventHash"]);
            Assert.Equal(id, row["accountId"]);
        }
        Assert.Equal("rent, \"March\"", rows[3]["reference"]); // a comma and quotes: quoted and escaped on the wire
        var closing = rows[^1];
        Assert.Equal(json.GetProperty("closingBalance").GetDecimal(), decimal.Parse(closing["balance"], CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("totalIn").GetDecimal(), decimal.Parse(closing["totalIn"], CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("totalOut").GetDecimal(), decimal.Parse(closing["totalOut"], CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("chainHead").GetString(), closing["eventHash"]);
        Assert.Equal(json.GetProperty("to").GetString(), closing["occurredAt"]);
    }

    [Fact]
    public async Task Should_cut_days_in_the_requested_time_zone()
    {
        var id = await _api.Open();
        await _api.Get(id, minVersion: 1);

        // 29 March 2026: Paris moves from UTC+1 to UTC+2, so its day lasts 23 hours.
        var paris = await Statement(id, "2026-03-29", "2026-03-30", "Europe/Paris");
        var utc = await Statement(id, "2026-03-29", "2026-03-30");
        var hours = await Balances(id, "from=2026-03-29&to=2026-03-30&interval=hour&timeZone=Europe/Paris");
        var days = await Balances(id, "from=2026-03-28&to=2026-03-31&interval=day&timeZone=Europe/Paris");

        Assert.Equal("2026-03-29T00:00:00+01:00", paris.GetProperty("from").GetString());
        Assert.Equal("2026-03-30T00:00:00+02:00", paris.GetProperty("to").GetString());
        Assert.Equal("2026-03-29T00:00:00+00:00", utc.GetProperty("from").GetString());
        Assert.Equal(23, hours.GetProperty("balances").GetArrayLength());
        Assert.Equal(
            ["2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", "2026-03-31T00:00:00+02:00"],
            days.GetProperty("balances").EnumerateArray().Select(p => p.GetProperty("end").GetString()));
    }

    [Fact]
    public async Task Should_give_end_of_interval_balances_with_the_opening_balance()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 40m);
        await _api.Withdraw(id, 15m);
        await _api.Get(id, minVersion: 3);

        var series = await Balances(id, $"from={Today(-1)}&to={Today(1)}&interval=hour");

        Assert.Equal(0m, series.GetProperty("openingBalance").GetDecimal());
        var points = series.GetProperty("balances").EnumerateArray().ToList();
        Assert.Equal(48, points.Count);
        Assert.Equal(25m, points[^1].GetProperty("balance").GetDecimal());
        Assert.Equal(0m, points[0].GetProperty("balance").GetDecimal());
        // Balances only ever take the values the account had.
        Assert.All(points, p => Assert.Contains(p.GetProperty("balance").GetDecimal(), new[] { 0m, 40m, 25m }));
    }

    [Theory]
    [InlineData("statements", "from=2026-03-01", "to")]
    [InlineData("statements", "from=2026-03-02&to=2026-03-01", "to")]
    [InlineData("statements", "from=March&to=2026-03-01", "from")]
    [InlineData("statements", "from=0001-01-01&to=2026-03-01&timeZone=Asia/Tokyo", "from")]
    [InlineData("balances", "from=2026-03-01&to=9999-12-31T23:59:59-14:00", "to")]
    [InlineData("statements", "from=2026-03-01&to=2026-03-02&timeZone=Mars/Olympus", "timeZone")]
    [InlineData("statements", "from=2026-03-01&to=2026-03-02&timeZone=../../etc/passwd", "timeZone")]
    [InlineData("balances", "from=2026-03-01&to=2026-03-02&interval=week", "interval")]
    [InlineData("balances", "from=2020-01-01&to=2026-03-02&interval=hour", "to")]
    public async Task Should_refuse_invalid_periods_with_the_field_named(string endpoint, string query, string field)
    {
        var id = await _api.Open();
        await _api.Get(id, minVersion: 1);

        using var response = await _api.Http.GetAsync($"/accounts/{id}/{endpoint}?{query}");

        var problem = await ExpectProblem(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task Should_answer_406_for_a_statement_in_a_format_it_does_not_offer()
    {
        var id = await _api.Open();
        await _api.Get(id, minVersion: 1);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/accounts/{id}/statements?from={Today(-1)}&to={Today(1)}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));

        using var response = await _api.Http.SendAsync(request);

        await ExpectProblem(response, HttpStatusCode.NotAcceptable, "not-acceptable");
    }

    [Fact]
    public async Task Should_hide_another_customers_history_and_show_it_to_an_auditor()
    {
        var id = await _api.Open();
        await _api.Get(id, minVersion: 1);
        var stranger = host.ClientFor(Role.Customer, "someone-else");
        var auditor = host.ClientFor(Role.Auditor, "auditor-1");
        string[] paths =
        [
            $"/accounts/{id}?atVersion=1",
            $"/accounts/{id}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture))}",
            $"/accounts/{id}/balances?from={Today(-1)}&to={Today(1)}",
            $"/accounts/{id}/statements?from={Today(-1)}&to={Today(1)}",
        ];

        foreach (var path in paths)
        {
            using var hidden = await stranger.GetAsync(path);
            await ExpectProblem(hidden, HttpStatusCode.NotFound, "account-not-found");
            using var shown = await auditor.GetAsync(path);
            await Expect(shown, HttpStatusCode.OK);
            using var anonymous = await host.ClientWith(null).GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
    }

    private async Task<JsonElement> AccountAt(string id, string query)
    {
        using var response = await _api.Http.GetAsync($"/accounts/{id}?{query}");
        return await Expect(response, HttpStatusCode.OK);
    }

    private async Task<JsonElement> Statement(string id, string from, string to, string? timeZone = null)
    {
        using var response = await _api.Http.GetAsync($"/accounts/{id}/statements?from={from}&to={to}" + (timeZone is null ? "" : $"&timeZone={timeZone}"));
        return await Expect(response, HttpStatusCode.OK);
    }

    private async Task<JsonElement> Balances(string id, string query)
    {
        using var response = await _api.Http.GetAsync($"/accounts/{id}/balances?{query}");
        return await Expect(response, HttpStatusCode.OK);
    }

    private static string Today(int days) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The history of accounts written by release 1: its events hash as stored, and its statements add up.</summary>
public sealed class ReleaseOneHistorySpecs(ReleaseOneJournalHost host) : IClassFixture<ReleaseOneJournalHost>
{
    private readonly HttpClient _auditor = host.ClientFor(Role.Auditor, "history-auditor");

    [Fact]
    public async Task Should_give_release_one_accounts_statements_and_as_of_reads_that_add_up()
    {
        foreach (var expected in ReleaseOneUpgradeSpecs.Expected())
        {
            var id = expected.GetProperty("accountId").GetString()!;
            var version = expected.GetProperty("version").GetInt64();
            var account = await new AccountsClient(_auditor).Get(id, minVersion: version);

            using var statementResponse = await _auditor.GetAsync($"/accounts/{id}/statements?from=2000-01-01&to=2999-01-01");
            var statement = await Expect(statementResponse, HttpStatusCode.OK);
            using var atVersionResponse = await _auditor.GetAsync($"/accounts/{id}?atVersion={version}");
            var atVersion = await Expect(atVersionResponse, HttpStatusCode.OK);

            var entries = statement.GetProperty("entries").EnumerateArray().ToList();
            Assert.Equal(version, entries.Count);
            Assert.Equal(expected.GetProperty("balance").GetDecimal(), statement.GetProperty("closingBalance").GetDecimal());
            Assert.Equal(statement.GetProperty("closingBalance").GetDecimal(), entries.Sum(e => e.GetProperty("amount").GetDecimal()));
            Assert.All(entries, e => Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("eventHash").GetString()));
            Assert.Equal(entries.Count, entries.Select(e => e.GetProperty("eventHash").GetString()).Distinct().Count());
            Assert.Equal(account.GetProperty("chainHead").GetString(), statement.GetProperty("chainHead").GetString());
            Assert.Equal(account.GetProperty("balance").GetDecimal(), atVersion.GetProperty("balance").GetDecimal());
            Assert.Equal(account.GetProperty("status").GetString(), atVersion.GetProperty("status").GetString());
        }
    }
}
