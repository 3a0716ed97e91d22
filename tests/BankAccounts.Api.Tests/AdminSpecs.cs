using System.Net;
using BankAccounts.Domain.Security;
using BankAccounts.ReadModel.Projections;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>Runs on a host of its own: a rebuild empties read model tables other specs read.</summary>
public sealed class AdminSpecs(ApiTestHost host) : IClassFixture<ApiTestHost>
{
    private readonly AccountsClient _api = host.Accounts;
    private readonly AccountsClient _admin = new(host.ClientFor(Role.Admin, "test-admin"));

    [Fact]
    public async Task Should_list_every_projection_with_its_offset()
    {
        var id = await _api.Open();
        await _api.Get(id, minVersion: 1);

        var projections = await Eventually.Until(
            async () =>
            {
                using var response = await _admin.Http.GetAsync("/admin/projections");
                return (await Expect(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
                    .ToDictionary(p => p.GetProperty("projection").GetString()!, p => p.GetProperty("offset").GetInt64());
            },
            offsets => offsets.GetValueOrDefault(ProjectionNames.AccountLedger) >= 1,
            TimeSpan.FromSeconds(30),
            "the ledger projection has applied the opening");

        Assert.Equal(ProjectionNames.All.Order(StringComparer.Ordinal), projections.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("decline-alerts", projections.Keys);
    }

    [Fact]
    public async Task Should_answer_404_when_rebuilding_an_unknown_projection()
    {
        using var response = await _admin.Post("/admin/projections/no-such-projection/rebuild", (string?)null);

        await ExpectProblem(response, HttpStatusCode.NotFound, "projection-not-found");
    }

    [Fact]
    public async Task Should_rebuild_the_ledger_from_the_journal_and_serve_the_same_accounts_again()
    {
        var id = await _api.Open(overdraftLimit: 10m);
        await _api.Deposit(id, 50m);
        await _api.Withdraw(id, 20m);
        var before = await _api.Get(id, minVersion: 3);

        using var response = await _admin.Post("/admin/projections/account-ledger/rebuild", (string?)null);

        var body = await Expect(response, HttpStatusCode.Accepted);
        Assert.Equal("account-ledger", body.GetProperty("projection").GetString());
        var after = await Eventually.Until(
            async () =>
            {
                using var read = await _api.Http.GetAsync($"/accounts/{id}?minVersion=3");
                return read.StatusCode == HttpStatusCode.OK ? await Expect(read, HttpStatusCode.OK) : default;
            },
            account => account.ValueKind != System.Text.Json.JsonValueKind.Undefined,
            TimeSpan.FromSeconds(30),
            "the rebuilt ledger holds the account again");
        Assert.Equal(before.GetProperty("balance").GetDecimal(), after.GetProperty("balance").GetDecimal());
        Assert.Equal(before.GetProperty("openedAt").GetDateTimeOffset(), after.GetProperty("openedAt").GetDateTimeOffset());
        using var statement = await _api.Http.GetAsync($"/accounts/{id}/transactions");
        Assert.Equal(3, (await Expect(statement, HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }
}
