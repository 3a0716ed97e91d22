using System.Net;
using System.Text.Json;
using BankAccounts.Api.Cli;
using BankAccounts.Domain.Security;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>
/// Release 1 wrote no chain: its events are an unchained prefix, and the chain is anchored at the first event
/// this version writes, which links to the hash of its predecessor's stored (v1) bytes.
/// </summary>
public sealed class ReleaseOneChainSpecs(ReleaseOneJournalHost host) : IClassFixture<ReleaseOneJournalHost>
{
    private readonly AccountsClient _auditor = new(host.ClientFor(Role.Auditor, "chain-auditor"));
    private readonly AccountsClient _teller = new(host.ClientFor(Role.Teller, "chain-teller"));

    [Theory]
    [InlineData("alice")] // recovered from its events alone
    [InlineData("merchant")] // recovered from a release-1 snapshot (no head) plus the event after it
    public async Task Should_start_the_chain_at_the_first_event_written_after_the_upgrade_and_verify_valid(string name)
    {
        var id = ReleaseOneUpgradeSpecs.Account(name);
        var before = await _auditor.EventCount(id);

        await _teller.Deposit(id, 2m, idempotencyKey: "chain-" + Guid.NewGuid().ToString("N"));
        await _teller.Deposit(id, 3m, idempotencyKey: "chain-" + Guid.NewGuid().ToString("N"));

        var report = await Verify(id);
        Assert.True(report.GetProperty("valid").GetBoolean(), report.GetRawText());
        Assert.Equal((before + 2L, before + 1L), (report.GetProperty("eventsChecked").GetInt64(), report.GetProperty("chainStartsAt").GetInt64()));
    }

    [Fact]
    public async Task Should_find_an_account_untouched_since_release_one_valid_with_no_chain_yet()
    {
        var report = await Verify(ReleaseOneUpgradeSpecs.Account("bob"));

        Assert.True(report.GetProperty("valid").GetBoolean(), report.GetRawText());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("chainStartsAt").ValueKind);
    }

    [Fact]
    public async Task Should_verify_the_whole_upgraded_journal_offline()
    {
        await _teller.Deposit(ReleaseOneUpgradeSpecs.Account("carol"), 1m, idempotencyKey: "chain-" + Guid.NewGuid().ToString("N"));
        var output = new StringWriter();

        var exitCode = await VerifyCommand.RunAsync(["verify", "--provider", "SQLite.MS", "--connection-string", $"Data Source={host.JournalFile}"], output, TextWriter.Null);

        Assert.True(exitCode == 0, output.ToString());
        Assert.StartsWith("OK: ", output.ToString());
    }

    private async Task<JsonElement> Verify(string id)
    {
        using var response = await _auditor.Http.GetAsync($"/accounts/{id}/verify");
        return await Expect(response, HttpStatusCode.OK);
    }
}
