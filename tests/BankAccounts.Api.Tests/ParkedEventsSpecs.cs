using System.Net;
using System.Text.Json;
using BankAccounts.Domain;
using BankAccounts.Domain.Security;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Storage;
using Microsoft.Extensions.DependencyInjection;
using static BankAccounts.Api.Tests.AccountsClient;

namespace BankAccounts.Api.Tests;

/// <summary>A fault a test switches on and off: deposits of <see cref="PoisonAmount"/> make the decorated projection throw.</summary>
public sealed class ProjectionFault
{
    public const decimal PoisonAmount = 66.6m;

    public volatile bool Active;

    public bool Poisons(ProjectedEvent projected) =>
        Active && projected.Event is AccountEvents.MoneyDeposited { Amount.Amount: PoisonAmount };
}

/// <summary>The real account-ledger projection, throwing for any batch that holds a poisoned event while the fault is on.</summary>
internal sealed class FaultyProjection(IProjection inner, ProjectionFault fault) : IProjection
{
    public string Name => inner.Name;

    public ProjectedStreams Streams => inner.Streams;

    public Task ApplyAsync(ReadModelDbContext db, IReadOnlyList<ProjectedEvent> batch, CancellationToken cancellationToken) =>
        batch.FirstOrDefault(fault.Poisons) is { } poisoned
            ? throw new InvalidOperationException($"Injected poison at {poisoned.PersistenceId} #{poisoned.Version}.")
            : inner.ApplyAsync(db, batch, cancellationToken);

    public Task ResetAsync(ReadModelDbContext db, CancellationToken cancellationToken) => inner.ResetAsync(db, cancellationToken);
}

/// <summary>The real app whose account-ledger projection carries a switchable fault; quick retries so a poison parks in well under a second.</summary>
public class PoisonedLedgerApiTestHost : ApiTestHost
{
    public PoisonedLedgerApiTestHost()
        : this([])
    {
    }

    protected PoisonedLedgerApiTestHost(params string[] extraArgs)
        : base([
            "--BankAccounts:ReadModel:PoisonEventAttempts=3",
            "--BankAccounts:ReadModel:MinRetryBackoff=00:00:00.020",
            "--BankAccounts:ReadModel:MaxRetryBackoff=00:00:00.200",
            .. extraArgs])
    {
    }

    public ProjectionFault Fault { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        var ledger = services.Single(d => d.ServiceType == typeof(IProjection) && d.ImplementationInstance is AccountLedgerProjection);
        services.Remove(ledger);
        services.AddSingleton<IProjection>(new FaultyProjection((IProjection)ledger.ImplementationInstance!, Fault));
    }
}

/// <summary>The same, with the ledger's failure policy set to stop.</summary>
public sealed class StoppingLedgerApiTestHost() : PoisonedLedgerApiTestHost("--BankAccounts:ReadModel:FailurePolicy:AccountLedger=Stop");

public sealed class ParkedEventsSpecs(PoisonedLedgerApiTestHost host) : IClassFixture<PoisonedLedgerApiTestHost>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly AccountsClient _api = host.Accounts;
    private readonly AccountsClient _admin = new(host.ClientFor(Role.Admin, "test-admin"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        host.Fault.Active = false;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_park_only_the_poisoned_stream_and_catch_it_up_in_order_when_retried_after_the_fix()
    {
        var (poisoned, other, third) = (await _api.Open(), await _api.Open(), await _api.Open());
        await _api.Deposit(poisoned, 10m);
        await _api.Deposit(other, 10m);
        host.Fault.Active = true;

        await _api.Deposit(poisoned, ProjectionFault.PoisonAmount);
        await _api.Deposit(poisoned, 5m);
        await _api.Deposit(poisoned, 7m);
        await _api.Deposit(other, 20m);
        await _api.Deposit(third, 30m);

        // Every other account stays current while the poisoned one is parked behind its bad event.
        var stream = await Eventually.Until(() => ParkedStream(poisoned), s => s?.GetProperty("events").GetInt32() == 3, Deadline, "the poisoned stream is parked with the two deposits behind it");
        Assert.Equal((30m, 3L), Summary(await _api.Get(other, minVersion: 3)));
        Assert.Equal((30m, 2L), Summary(await _api.Get(third, minVersion: 2)));
        Assert.Equal("account-ledger", stream!.Value.GetProperty("projection").GetString());
        Assert.Equal(3L, stream.Value.GetProperty("firstVersion").GetInt64());
        Assert.Equal(ParkedReasons.Failed, stream.Value.GetProperty("reason").GetString());
        Assert.Equal(3, stream.Value.GetProperty("attempts").GetInt32());
        Assert.Contains("Injected poison", stream.Value.GetProperty("error").GetString());
        Assert.Equal((10m, 2L), Summary(await _api.Get(poisoned, minVersion: 2)));
        Assert.Equal([(3L, "failed"), (4L, "behind"), (5L, "behind")], await ParkedEvents(poisoned));
        Assert.Single((await ParkedStreams()).EnumerateArray());

        using (var ready = await _admin.Http.GetAsync("/health/ready"))
        {
            var check = (await Expect(ready, HttpStatusCode.OK)).GetProperty("checks").GetProperty("projections");
            Assert.Equal("Degraded", check.GetProperty("status").GetString());
            Assert.Equal(1, check.GetProperty("data").GetProperty("account-ledger").GetInt32());
        }
        using (var integrity = await _admin.Http.GetAsync("/admin/integrity"))
        {
            var drift = (await Expect(integrity, HttpStatusCode.OK)).GetProperty("drift").EnumerateArray().Select(d => d.GetString()!).ToList();
            Assert.Contains(drift, d => d.Contains($"parked stream account-{poisoned} at version 3", StringComparison.Ordinal) && d.Contains("Injected poison", StringComparison.Ordinal));
        }

        // Retried before the fix: it fails again, stays parked, and the attempt is counted.
        using (var early = await _admin.Post($"/admin/projections/account-ledger/parked/account-{poisoned}/retry", (string?)null))
        {
            Assert.Equal(3, (await ExpectProblem(early, HttpStatusCode.Conflict, "retry-failed")).GetProperty("stillParked").GetInt32());
        }
        Assert.Equal(4, (await ParkedStream(poisoned))!.Value.GetProperty("attempts").GetInt32());

        host.Fault.Active = false;
        using (var retry = await _admin.Post($"/admin/projections/account-ledger/parked/account-{poisoned}/retry", (string?)null))
        {
            Assert.Equal(3, (await Expect(retry, HttpStatusCode.OK)).GetProperty("applied").GetInt32());
        }

        Assert.Equal((88.6m, 5L), Summary(await _api.Get(poisoned, minVersion: 5)));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await Transactions(poisoned)).Select(t => t.Version));
        Assert.Empty((await ParkedStreams()).EnumerateArray());
        using (var ready = await _admin.Http.GetAsync("/health/ready"))
        {
            Assert.Equal("Healthy", (await Expect(ready, HttpStatusCode.OK)).GetProperty("checks").GetProperty("projections").GetProperty("status").GetString());
        }

        // The repaired read model is the one a rebuild from zero gives.
        var accounts = new[] { poisoned, other, third };
        var repaired = await Dump(accounts);
        using (var rebuild = await _admin.Post("/admin/projections/account-ledger/rebuild", (string?)null))
        {
            await Expect(rebuild, HttpStatusCode.Accepted);
        }
        var rebuilt = await Eventually.Until(() => Dump(accounts), d => d.SequenceEqual(repaired), Deadline, "the rebuilt ledger equals the repaired one");
        Assert.Equal(repaired, rebuilt);
    }

    [Fact]
    public async Task Should_skip_only_the_first_parked_event_with_a_reason_and_then_retry_the_rest()
    {
        var id = await _api.Open();
        host.Fault.Active = true;
        await _api.Deposit(id, ProjectionFault.PoisonAmount);
        await _api.Deposit(id, 1m);
        await Eventually.Until(() => ParkedStream(id), s => s?.GetProperty("events").GetInt32() == 2, Deadline, "the stream is parked");
        var skipPath = $"/admin/projections/account-ledger/parked/account-{id}/skip";

        using (var notFirst = await _admin.Post(skipPath, """{ "version": 3, "reason": "not the first" }"""))
        {
            await ExpectProblem(notFirst, HttpStatusCode.Conflict, "parked-event-not-first");
        }
        using (var noReason = await _admin.Post(skipPath, """{ "version": 2, "reason": "  " }"""))
        {
            await ExpectProblem(noReason, HttpStatusCode.BadRequest, "invalid-request");
        }
        using (var byTeller = await host.Accounts.AsTeller.Post(skipPath, """{ "version": 2, "reason": "teller" }"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byTeller.StatusCode);
        }
        using (var skip = await _admin.Post(skipPath, """{ "version": 2, "reason": "Known bad deposit, refunded by hand (ticket 42)" }"""))
        {
            var body = await Expect(skip, HttpStatusCode.OK);
            Assert.Equal("admin:test-admin", body.GetProperty("skippedBy").GetString());
            Assert.Equal(1, body.GetProperty("stillParked").GetInt32());
        }
        Assert.Equal([(3L, "behind")], await ParkedEvents(id));

        using (var retry = await _admin.Post($"/admin/projections/account-ledger/parked/account-{id}/retry", (string?)null))
        {
            Assert.Equal(1, (await Expect(retry, HttpStatusCode.OK)).GetProperty("applied").GetInt32());
        }
        Assert.Equal((1m, 3L), Summary(await _api.Get(id, minVersion: 3)));
        Assert.Equal([1L, 3L], (await Transactions(id)).Select(t => t.Version));
        using var missing = await _admin.Post($"/admin/projections/account-ledger/parked/account-{id}/retry", (string?)null);
        await ExpectProblem(missing, HttpStatusCode.NotFound, "parked-stream-not-found");
    }

    private async Task<JsonElement> ParkedStreams()
    {
        using var response = await _admin.Http.GetAsync("/admin/projections/parked");
        return (await Expect(response, HttpStatusCode.OK)).GetProperty("items");
    }

    private async Task<JsonElement?> ParkedStream(string id) =>
        (await ParkedStreams()).EnumerateArray().Cast<JsonElement?>()
            .FirstOrDefault(s => s!.Value.GetProperty("persistenceId").GetString() == $"account-{id}");

    private async Task<List<(long, string)>> ParkedEvents(string id)
    {
        using var response = await _admin.Http.GetAsync($"/admin/projections/account-ledger/parked/account-{id}");
        return [.. (await Expect(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("version").GetInt64(), e.GetProperty("reason").GetString()!))];
    }

    private async Task<List<(long Version, decimal Amount, decimal BalanceAfter)>> Transactions(string id)
    {
        using var response = await _api.Http.GetAsync($"/accounts/{id}/transactions?limit=100");
        return [.. (await Expect(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Select(t => (t.GetProperty("version").GetInt64(), t.GetProperty("amount").GetDecimal(), t.GetProperty("balanceAfter").GetDecimal()))
            .OrderBy(t => t.Item1)];
    }

    private async Task<List<string>> Dump(IEnumerable<string> ids)
    {
        var dump = new List<string>();
        foreach (var id in ids)
        {
            using var response = await _api.Http.GetAsync($"/accounts/{id}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                dump.Add($"{id}: {(int)response.StatusCode}"); // not rebuilt yet
                continue;
            }
            dump.Add((await Expect(response, HttpStatusCode.OK)).GetRawText());
            dump.AddRange((await Transactions(id)).Select(t => $"{id}|{t}"));
        }
        return dump;
    }

    private static (decimal, long) Summary(JsonElement account) =>
        (account.GetProperty("balance").GetDecimal(), account.GetProperty("version").GetInt64());
}

public sealed class StoppedProjectionSpecs(StoppingLedgerApiTestHost host) : IClassFixture<StoppingLedgerApiTestHost>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_stop_only_that_projection_under_the_stop_policy_and_resume_it_when_retried()
    {
        var api = host.Accounts;
        var admin = new AccountsClient(host.ClientFor(Role.Admin, "test-admin"));
        var (poisoned, other) = (await api.Open(), await api.Open());
        await api.Get(other, minVersion: 1);
        host.Fault.Active = true;

        await api.Deposit(poisoned, ProjectionFault.PoisonAmount);
        await Eventually.Until(ParkedCount, n => n == 1, Deadline, "the poisoned event is parked");
        await api.Deposit(other, 5m);
        using (var declined = await api.Post($"/accounts/{other}/withdrawals", """{ "amount": 500 }"""))
        {
            // Declined (and recorded): an alert for decline-alerts, which keeps going.
            Assert.False(declined.IsSuccessStatusCode);
        }

        var offsets = await Eventually.Until(Offsets, o => o[ProjectionNames.DeclineAlerts] > o[ProjectionNames.AccountLedger], Deadline,
            "the other projections go on past the stopped one");
        using (var stale = await api.Http.GetAsync($"/accounts/{other}"))
        {
            Assert.Equal(1L, (await Expect(stale, HttpStatusCode.OK)).GetProperty("version").GetInt64());
        }
        Assert.Equal(offsets[ProjectionNames.AccountLedger], (await Offsets())[ProjectionNames.AccountLedger]);

        host.Fault.Active = false;
        using (var retry = await admin.Post($"/admin/projections/account-ledger/parked/account-{poisoned}/retry", (string?)null))
        {
            await Expect(retry, HttpStatusCode.OK);
        }

        Assert.Equal(ProjectionFault.PoisonAmount, (await api.Get(poisoned, minVersion: 2)).GetProperty("balance").GetDecimal());
        Assert.Equal(3L, (await api.Get(other, minVersion: 3)).GetProperty("version").GetInt64());

        async Task<int> ParkedCount()
        {
            using var response = await admin.Http.GetAsync("/admin/projections/parked");
            return (await Expect(response, HttpStatusCode.OK)).GetProperty("items").GetArrayLength();
        }

        async Task<Dictionary<string, long>> Offsets()
        {
            using var response = await admin.Http.GetAsync("/admin/projections");
            return (await Expect(response, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
                .ToDictionary(p => p.GetProperty("projection").GetString()!, p => p.GetProperty("offset").GetInt64());
        }
    }
}
