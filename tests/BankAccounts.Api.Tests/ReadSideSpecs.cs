using System.Diagnostics;
using System.Net;
using System.Text.Json;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>Queries: the read model (account, statement, owner search) and the journal (events).</summary>
public sealed class ReadSideSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;

    [Fact]
    public async Task Should_read_its_own_writes_with_minVersion()
    {
        var id = await _api.Open(owner: "Ada", overdraftLimit: 25m);
        for (var i = 1; i <= 5; i++)
        {
            var written = await _api.Deposit(id, i);
            var version = written.GetProperty("version").GetInt64();

            using var response = await _api.Http.GetAsync($"/accounts/{id}?minVersion={version}");

            var account = await Expect(response, HttpStatusCode.OK);
            Assert.True(account.GetProperty("version").GetInt64() >= version);
            Assert.Equal(written.GetProperty("balance").GetDecimal(), account.GetProperty("balance").GetDecimal());
            Assert.Equal($"\"{account.GetProperty("version").GetInt64()}\"", ETag(response));
        }
    }

    [Fact]
    public async Task Should_serve_every_field_of_an_account()
    {
        var id = await _api.Open(owner: "Ada Lovelace", currency: "KWD", overdraftLimit: 1.5m);
        await _api.Deposit(id, 2.125m);

        var account = await _api.Get(id, minVersion: 2);

        Assert.Equal(id, account.GetProperty("accountId").GetString());
        Assert.Equal("Ada Lovelace", account.GetProperty("owner").GetString());
        Assert.Equal("KWD", account.GetProperty("currency").GetString());
        Assert.Equal(2.125m, account.GetProperty("balance").GetDecimal());
        Assert.Equal(1.5m, account.GetProperty("overdraftLimit").GetDecimal());
        Assert.Equal("open", account.GetProperty("status").GetString());
        Assert.Equal(2, account.GetProperty("version").GetInt64());
        Assert.True(account.GetProperty("updatedAt").GetDateTimeOffset() >= account.GetProperty("openedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Should_answer_503_with_Retry_After_when_minVersion_is_not_reached_in_time()
    {
        var id = await _api.Open();
        await _api.Get(id, minVersion: 1);
        var clock = Stopwatch.StartNew();

        using var response = await _api.Http.GetAsync($"/accounts/{id}?minVersion=99");

        var problem = await ExpectProblem(response, HttpStatusCode.ServiceUnavailable, "read-model-behind");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Should_answer_404_for_an_account_that_does_not_exist()
    {
        using var response = await _api.Http.GetAsync($"/accounts/{Guid.NewGuid()}");

        await ExpectProblem(response, HttpStatusCode.NotFound, "account-not-found");
    }

    [Fact]
    public async Task Should_page_the_statement_oldest_first_with_signed_amounts_and_keyset_links()
    {
        var id = await _api.Open(overdraftLimit: 0m);
        await _api.Deposit(id, 100m);
        await _api.Withdraw(id, 30m);
        using (var declined = await _api.Post($"/accounts/{id}/withdrawals", """{ "amount": 500, "reference": "too much" }"""))
        {
            await ExpectProblem(declined, HttpStatusCode.UnprocessableEntity);
        }
        await _api.Deposit(id, 0.5m);
        await _api.Withdraw(id, 70.5m);
        await _api.Get(id, minVersion: 6);

        var entries = new List<JsonElement>();
        var pages = new List<int>();
        string? next = $"/accounts/{id}/transactions?limit=2";
        while (next is not null)
        {
            using var response = await _api.Http.GetAsync(next);
            var page = await Expect(response, HttpStatusCode.OK);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            entries.AddRange(items);
            pages.Add(items.Count);
            next = page.GetProperty("next").GetString();
            Assert.True(pages.Count <= 10, "paging does not end");
        }

        Assert.Equal([2, 2, 2], pages);
        Assert.Equal([1L, 2, 3, 4, 5, 6], entries.Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal(
            ["AccountOpened", "MoneyDeposited", "MoneyWithdrawn", "WithdrawalDeclined", "MoneyDeposited", "MoneyWithdrawn"],
            entries.Select(e => e.GetProperty("eventType").GetString()));
        Assert.Equal([0m, 100m, -30m, 0m, 0.5m, -70.5m], entries.Select(e => e.GetProperty("amount").GetDecimal()));
        Assert.Equal([0m, 100m, 70m, 70m, 70.5m, 0m], entries.Select(e => e.GetProperty("balanceAfter").GetDecimal()));
        Assert.Equal("too much", entries[3].GetProperty("reference").GetString());
    }

    [Fact]
    public async Task Should_link_the_next_statement_page_from_the_last_version_seen()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 1m);
        await _api.Deposit(id, 2m);
        await _api.Get(id, minVersion: 3);

        using var response = await _api.Http.GetAsync($"/accounts/{id}/transactions?after=1&limit=1");

        var page = await Expect(response, HttpStatusCode.OK);
        Assert.Equal(2, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("version").GetInt64());
        Assert.Equal($"/accounts/{id}/transactions?after=2&limit=1", page.GetProperty("next").GetString());
    }

    [Fact]
    public async Task Should_answer_404_for_the_statement_of_an_unknown_account()
    {
        using var response = await _api.Http.GetAsync($"/accounts/{Guid.NewGuid()}/transactions");

        await ExpectProblem(response, HttpStatusCode.NotFound, "account-not-found");
    }

    [Fact]
    public async Task Should_list_the_stored_events_with_their_manifest_timestamp_and_stored_json()
    {
        var id = await _api.Open(owner: "Ada", overdraftLimit: 5m, idempotencyKey: "open-" + Guid.NewGuid().ToString("N"));
        await _api.Deposit(id, 100.25m, idempotencyKey: "salary-1");
        await _api.Withdraw(id, 40m);

        using var response = await _api.Http.GetAsync($"/accounts/{id}/events");

        var items = (await Expect(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([1L, 2, 3], items.Select(e => e.GetProperty("sequenceNr").GetInt64()));
        Assert.Equal(["AccountOpened.v2", "MoneyDeposited.v2", "MoneyWithdrawn.v2"], items.Select(e => e.GetProperty("type").GetString()));
        var opened = items[0].GetProperty("data");
        Assert.Equal(JsonValueKind.Object, opened.ValueKind);
        Assert.Equal(("Ada", "EUR", 5m, id), (
            opened.GetProperty("owner").GetString(), opened.GetProperty("currency").GetString(),
            opened.GetProperty("overdraftLimit").GetDecimal(), opened.GetProperty("accountId").GetString()));
        Assert.Equal(opened.GetProperty("occurredAt").GetDateTimeOffset(), items[0].GetProperty("timestamp").GetDateTimeOffset());
        var deposited = items[1].GetProperty("data");
        Assert.Equal(100.25m, deposited.GetProperty("amount").GetProperty("amount").GetDecimal());
        // The key is stored in the caller's own namespace, and the event says who caused it and in which trace.
        Assert.EndsWith(":salary-1", deposited.GetProperty("commandId").GetString());
        var causedBy = deposited.GetProperty("metadata").GetProperty("causedBy");
        Assert.Equal((ApiTestHost.CustomerSubject, "Customer"), (causedBy.GetProperty("subject").GetString(), causedBy.GetProperty("role").GetString()));
        Assert.StartsWith("00-", deposited.GetProperty("metadata").GetProperty("traceParent").GetString());
        Assert.Equal("Teller", opened.GetProperty("metadata").GetProperty("causedBy").GetProperty("role").GetString());
        Assert.Equal(ApiTestHost.CustomerSubject, opened.GetProperty("ownerId").GetString());
    }

    [Fact]
    public async Task Should_page_the_stored_events_from_a_sequence_number()
    {
        var id = await _api.Open();
        await _api.Deposit(id, 1m);
        await _api.Deposit(id, 2m);

        using var page = await _api.Http.GetAsync($"/accounts/{id}/events?from=2&limit=1");
        using var beyond = await _api.Http.GetAsync($"/accounts/{id}/events?from=10");

        var body = await Expect(page, HttpStatusCode.OK);
        Assert.Equal(2, Assert.Single(body.GetProperty("items").EnumerateArray()).GetProperty("sequenceNr").GetInt64());
        Assert.Equal($"/accounts/{id}/events?from=3&limit=1", body.GetProperty("next").GetString());
        Assert.Empty((await Expect(beyond, HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Should_answer_404_for_the_events_of_an_account_that_was_never_opened()
    {
        using var response = await _api.Http.GetAsync($"/accounts/{Guid.NewGuid()}/events");
        using var later = await _api.Http.GetAsync($"/accounts/{Guid.NewGuid()}/events?from=5");

        await ExpectProblem(response, HttpStatusCode.NotFound, "account-not-found");
        await ExpectProblem(later, HttpStatusCode.NotFound, "account-not-found");
    }

    [Fact]
    public async Task Should_find_the_accounts_of_exactly_one_owner_oldest_first()
    {
        var owner = "Grace " + Guid.NewGuid().ToString("N");
        var opened = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            opened.Add(await _api.Open(owner: owner));
        }
        var other = await _api.Open(owner: owner.ToUpperInvariant());
        foreach (var id in opened.Append(other))
        {
            await _api.Get(id, minVersion: 1);
        }

        using var all = await _api.Http.GetAsync($"/accounts?owner={Uri.EscapeDataString(owner)}");
        using var limited = await _api.Http.GetAsync($"/accounts?owner={Uri.EscapeDataString(owner)}&limit=2");

        var items = (await Expect(all, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(opened, items.Select(a => a.GetProperty("accountId").GetString()));
        Assert.All(items, a => Assert.Equal(owner, a.GetProperty("owner").GetString()));
        var firstTwo = (await Expect(limited, HttpStatusCode.OK)).GetProperty("items").EnumerateArray();
        Assert.Equal(opened.Take(2), firstTwo.Select(a => a.GetProperty("accountId").GetString()));
    }

    [Fact]
    public async Task Should_answer_an_empty_list_for_an_owner_without_accounts()
    {
        using var response = await _api.Http.GetAsync($"/accounts?owner=nobody-{Guid.NewGuid():N}");

        Assert.Empty((await Expect(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Should_write_read_model_amounts_exactly_as_the_write_side_does()
    {
        var id = await _api.Open(overdraftLimit: 50m);
        await _api.Deposit(id, 100.25m);
        await _api.Withdraw(id, 100.25m);
        await _api.Get(id, minVersion: 3);

        using var account = await _api.Http.GetAsync($"/accounts/{id}");
        using var ledger = await _api.Http.GetAsync($"/accounts/{id}/transactions");
        var accountJson = await account.Content.ReadAsStringAsync();
        var ledgerJson = await ledger.Content.ReadAsStringAsync();

        Assert.Contains("\"balance\":0,", accountJson);
        Assert.Contains("\"overdraftLimit\":50,", accountJson);
        Assert.Contains("\"amount\":-100.25,", ledgerJson);
        Assert.DoesNotContain(".0,", accountJson + ledgerJson);
    }
}
