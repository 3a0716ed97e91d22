using System.Net;
using System.Text.Json;
using BankAccounts.Domain.Security;
using Microsoft.Data.Sqlite;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>
/// The app of release 1 wrote this journal (tests/Fixtures/v1, made by scripts/make-v1-fixture.sh):
/// v1 events with no attribution, a snapshot with a full 256-entry idempotency window, transfers.
/// This host starts the current code on a copy of it.
/// </summary>
public sealed class ReleaseOneJournalHost : ApiTestHost
{
    public static readonly string FixtureFolder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "v1");

    protected override async Task PrepareAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={JournalFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = await File.ReadAllTextAsync(Path.Combine(FixtureFolder, "journal.sql"));
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class ReleaseOneUpgradeSpecs(ReleaseOneJournalHost host) : IClassFixture<ReleaseOneJournalHost>
{
    private readonly AccountsClient _auditor = new(host.ClientFor(Role.Auditor, "upgrade-auditor"));
    private readonly AccountsClient _teller = new(host.ClientFor(Role.Teller, "upgrade-teller"));

    public static TheoryData<string> Accounts() => [.. Expected().Select(a => a.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Accounts))]
    public async Task Should_recover_every_release_one_account_with_the_same_balance_version_and_status(string name)
    {
        var expected = Expected().Single(a => a.GetProperty("name").GetString() == name);
        var id = expected.GetProperty("accountId").GetString()!;
        var version = expected.GetProperty("version").GetInt64();

        var account = await _auditor.Get(id, minVersion: version);

        Assert.Equal(
            (expected.GetProperty("balance").GetDecimal(), version, expected.GetProperty("status").GetString(), expected.GetProperty("owner").GetString()),
            (account.GetProperty("balance").GetDecimal(), account.GetProperty("version").GetInt64(), account.GetProperty("status").GetString(),
                account.GetProperty("owner").GetString()));
        Assert.Equal(version, await _auditor.EventCount(id));
    }

    [Fact]
    public async Task Should_keep_release_one_accounts_away_from_customers_but_open_to_staff()
    {
        var bob = Account("bob");

        using var asCustomer = await host.ClientFor(Role.Customer, "Bob Ivanov").GetAsync($"/accounts/{bob}/events");
        await ExpectProblem(asCustomer, HttpStatusCode.NotFound, "account-not-found");
        using var deposit = await host.Accounts.Post($"/accounts/{bob}/deposits", """{ "amount": 1 }""");
        await ExpectProblem(deposit, HttpStatusCode.NotFound, "account-not-found");
        using var asAdmin = await host.ClientFor(Role.Admin, "upgrade-admin").GetAsync($"/accounts/{bob}");
        await Expect(asAdmin, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("fixture-merchant-300")] // still in the snapshot's window
    [InlineData("fixture-merchant-1")] // long left the window: the command history answers
    public async Task Should_recognise_a_key_sent_before_the_upgrade_and_retried_after_it(string key)
    {
        var merchant = Account("merchant");
        var version = Expected().Single(a => a.GetProperty("name").GetString() == "merchant").GetProperty("version").GetInt64();
        var before = await _auditor.EventCount(merchant);

        using var retry = await _teller.Post($"/accounts/{merchant}/deposits", """{ "amount": 1.01 }""", key);

        await Expect(retry, HttpStatusCode.OK);
        Assert.Equal(before, await _auditor.EventCount(merchant));
        Assert.True(before >= version);
    }

    [Fact]
    public async Task Should_find_the_upgraded_ledger_consistent()
    {
        foreach (var account in Expected())
        {
            await _auditor.Get(account.GetProperty("accountId").GetString()!, minVersion: account.GetProperty("version").GetInt64());
        }

        using var response = await _auditor.Http.GetAsync("/admin/integrity");

        var report = await Expect(response, HttpStatusCode.OK);
        Assert.True(report.GetProperty("consistent").GetBoolean(), report.GetRawText());
    }

    internal static string Account(string name) => Expected().Single(a => a.GetProperty("name").GetString() == name).GetProperty("accountId").GetString()!;

    internal static IEnumerable<JsonElement> Expected() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(ReleaseOneJournalHost.FixtureFolder, "expected.json"))).RootElement
            .GetProperty("accounts").EnumerateArray();
}

/// <summary>Writes on an upgraded journal, on a host of its own so the recovery specs still see release 1's figures.</summary>
public sealed class ReleaseOneWriteSpecs(ReleaseOneJournalHost host) : IClassFixture<ReleaseOneJournalHost>
{
    private readonly AccountsClient _auditor = new(host.ClientFor(Role.Auditor, "upgrade-auditor"));
    private readonly AccountsClient _teller = new(host.ClientFor(Role.Teller, "upgrade-teller"));

    [Fact]
    public async Task Should_write_new_events_as_v2_attributed_after_release_one_events_read_as_legacy()
    {
        var alice = ReleaseOneUpgradeSpecs.Account("alice");
        var before = await _auditor.EventCount(alice);

        await _teller.Deposit(alice, 1.5m, idempotencyKey: "after-upgrade-" + Guid.NewGuid().ToString("N"));

        using var response = await _auditor.Http.GetAsync($"/accounts/{alice}/events?limit=1000");
        var events = (await Expect(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(before + 1, events.Count);
        Assert.All(events.Take(before), e => Assert.Equal(Principal.Legacy.Subject, CausedBy(e).GetProperty("subject").GetString()));
        Assert.Equal(("upgrade-teller", "Teller"), (CausedBy(events[^1]).GetProperty("subject").GetString(), CausedBy(events[^1]).GetProperty("role").GetString()));
        Assert.All(events, e => Assert.EndsWith(".v2", e.GetProperty("type").GetString()));
        var balance = ReleaseOneUpgradeSpecs.Expected().Single(a => a.GetProperty("name").GetString() == "alice").GetProperty("balance").GetDecimal();
        Assert.Equal(balance + 1.5m, (await _auditor.Get(alice, minVersion: before + 1)).GetProperty("balance").GetDecimal());
    }

    private static JsonElement CausedBy(JsonElement storedEvent) => storedEvent.GetProperty("data").GetProperty("metadata").GetProperty("causedBy");
}
