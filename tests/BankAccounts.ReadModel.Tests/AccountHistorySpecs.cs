using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using BankAccounts.Actors;
using BankAccounts.Actors.Serialization;
using BankAccounts.Domain;
using BankAccounts.ReadModel.Projections;
using BankAccounts.ReadModel.Queries;
using BankAccounts.ReadModel.Storage;
using BankAccounts.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BankAccounts.ReadModel.Tests;

/// <summary>
/// Random account histories appended to a real SQLite journal, projected into the read model, and every
/// history query compared with the domain's own fold (<see cref="Account.Evolve"/>) of the journal's events.
/// </summary>
public sealed class AccountHistorySpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly int[] Seeds = [11, 12, 13, 14, 15, 16];

    private readonly AccountsTestHost _host = AccountsTestHost.StartWithReadModel(configureReadModel: options =>
        options.StalledTransferAfter = TimeSpan.FromDays(1));

    private readonly Dictionary<AccountId, IReadOnlyList<AccountEvent>> _histories = [];

    public async Task InitializeAsync()
    {
        foreach (var seed in Seeds)
        {
            var id = AccountId.New();
            _histories[id] = RandomAccountHistory.Generate(id, seed, length: 250, Start);
            var appender = _host.System.ActorOf(JournalAppender.Props(AccountPersistenceId.For(id)));
            await appender.Ask<Done>(_histories[id].Cast<object>().ToArray(), Deadline);
            await appender.GracefulStop(Deadline);
        }
        await _host.WaitForProjections(Deadline);
        // The histories must exercise what the spec claims to check.
        var types = _histories.Values.SelectMany(h => h).Select(e => e.GetType().Name).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "AccountOpened", "MoneyDeposited", "MoneyWithdrawn", "WithdrawalDeclined", "TransferDebited", "TransferDebitDeclined",
                "TransferCredited", "TransferSettled", "TransferRefunded", "AccountClosureDeclined", "AccountClosed",
            },
            types);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_answer_at_every_version_what_folding_the_journal_up_to_it_gives()
    {
        var history = Queries();
        foreach (var (id, events) in _histories)
        {
            var account = await Summary(id);
            var stored = await StoredHashes(id);
            var state = AccountState.Initial(id);
            for (var version = 1; version <= events.Count; version++)
            {
                state = Account.Evolve(state, events[version - 1]);
                var at = await history.AtVersionAsync(account, version);

                Assert.NotNull(at);
                AssertSame(state, at);
                Assert.Equal(stored[version - 1], at.Entry.EventHash);
            }
            Assert.Null(await history.AtVersionAsync(account, events.Count + 1));
            Assert.Equal(stored[^1], account.ChainHead);
        }
    }

    [Fact]
    public async Task Should_answer_as_of_any_instant_what_folding_the_events_that_had_happened_by_then_gives()
    {
        var history = Queries();
        var random = new Random(42);
        foreach (var (id, events) in _histories)
        {
            var account = await Summary(id);
            var end = events.Max(e => e.OccurredAt);
            var instants = Enumerable.Range(0, 150)
                .Select(_ => Start.AddMinutes(-60 + random.NextDouble() * ((end - Start).TotalMinutes + 120)))
                .Concat(events.Select(e => e.OccurredAt)) // exactly at an event: it is included
                .Concat(events.Select(e => e.OccurredAt.AddTicks(-1)));
            foreach (var instant in instants)
            {
                var happened = HappenedBy(events, instant.UtcTicks + 1);
                var at = await history.AsOfAsync(account, instant);

                if (happened.Count == 0)
                {
                    Assert.Null(at);
                    continue;
                }
                Assert.NotNull(at);
                AssertSame(Account.Replay(id, happened), at);
            }
        }
    }

    [Fact]
    public async Task Should_give_end_of_interval_balances_equal_to_the_fold_before_each_boundary()
    {
        var history = Queries();
        foreach (var (id, events) in _histories)
        {
            var boundaries = Enumerable.Range(0, 200).Select(hour => Start.AddHours(-3 + hour * 7)).ToList();

            var points = await history.BalancesAsync(id.Value, boundaries);

            Assert.Equal(boundaries, points.Select(p => p.End));
            Assert.Equal(boundaries.Select(b => BalanceAfter(id, HappenedBy(events, b.UtcTicks))), points.Select(p => p.Balance));
        }
    }

    [Fact]
    public async Task Should_make_opening_plus_entries_equal_closing_and_chain_consecutive_statements()
    {
        var history = Queries();
        var random = new Random(7);
        var listed = new List<LedgerEntry>();
        foreach (var (id, events) in _histories)
        {
            var end = events.Max(e => e.OccurredAt);
            var cuts = Enumerable.Range(0, 12)
                .Select(_ => Start.AddMinutes(-30 + random.NextDouble() * ((end - Start).TotalMinutes + 60)))
                .Append(Start.AddDays(-1)).Append(end.AddDays(1))
                .Order().ToList();
            var statements = new List<Statement>();
            for (var i = 0; i + 1 < cuts.Count; i++)
            {
                var statement = await history.StatementAsync(id.Value, cuts[i], cuts[i + 1]);
                Assert.NotNull(statement);
                statements.Add(statement);

                Assert.Equal(statement.Closing, statement.Opening + statement.Entries.Sum(e => e.Amount));
                Assert.Equal(statement.Closing, statement.Opening + statement.TotalIn - statement.TotalOut);
                Assert.True(statement.TotalIn >= 0m && statement.TotalOut >= 0m);
                Assert.Equal(BalanceAfter(id, HappenedBy(events, cuts[i].UtcTicks)), statement.Opening);
                Assert.Equal(BalanceAfter(id, HappenedBy(events, cuts[i + 1].UtcTicks)), statement.Closing);
                Assert.All(statement.Entries.Where(e => AccountHistoryQueries.IsDeclined(e.EventType)), e => Assert.Equal(0m, e.Amount));
                var closingVersion = HappenedBy(events, cuts[i + 1].UtcTicks).Count;
                Assert.Equal(closingVersion == 0 ? null : closingVersion, statement.ClosingVersion);
            }
            for (var i = 0; i + 1 < statements.Count; i++)
            {
                Assert.Equal(statements[i].Closing, statements[i + 1].Opening);
            }
            // Together the statements list every event exactly once, in order.
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), statements.SelectMany(s => s.Entries).Select(e => e.Version));
            listed.AddRange(statements.SelectMany(s => s.Entries));
        }
        Assert.Contains(listed, e => AccountHistoryQueries.IsDeclined(e.EventType));
    }

    [Fact]
    public async Task Should_refuse_a_statement_with_more_entries_than_allowed()
    {
        var (id, events) = _histories.First(h => h.Value.Count > 10);

        var statement = await Queries().StatementAsync(id.Value, Start.AddDays(-1), events.Max(e => e.OccurredAt).AddDays(1), maxEntries: events.Count - 1);

        Assert.Null(statement);
    }

    [Fact]
    public async Task Should_rebuild_the_history_columns_equal_to_the_live_ones()
    {
        var live = await LedgerDump();

        await _host.Services.GetRequiredService<IProjectionControl>().RebuildAsync(ProjectionNames.AccountLedger);
        await _host.WaitForProjections(Deadline);

        Assert.Equal(live, await LedgerDump());
    }

    /// <summary>
    /// The events that had happened by <paramref name="ticksExclusive"/>: the longest prefix of the stream before it
    /// (a later event stamped earlier by a clock that stepped back happened after its predecessor all the same).
    /// </summary>
    private static List<AccountEvent> HappenedBy(IReadOnlyList<AccountEvent> events, long ticksExclusive)
    {
        var prefix = new List<AccountEvent>();
        var latest = long.MinValue;
        foreach (var @event in events)
        {
            latest = Math.Max(latest, @event.OccurredAt.UtcTicks);
            if (latest >= ticksExclusive)
            {
                break;
            }
            prefix.Add(@event);
        }
        return prefix;
    }

    /// <summary>The balance the domain's fold gives after these events: nothing before the account is opened.</summary>
    private static decimal BalanceAfter(AccountId id, IEnumerable<AccountEvent> events) =>
        Account.Replay(id, events) is AccountState.Opened account ? account.Balance : 0m;

    private static void AssertSame(AccountState state, AccountAt actual)
    {
        var expected = Assert.IsType<AccountState.Opened>(state);
        var what = $"account {expected.Id} at version {expected.Version}";
        Assert.True(expected.Version == actual.Entry.Version, what);
        Assert.True(expected.Balance == actual.Entry.BalanceAfter, $"{what}: balance {actual.Entry.BalanceAfter}, expected {expected.Balance}");
        Assert.Equal(expected.IsClosed ? "closed" : "open", actual.Entry.Status);
        Assert.Equal(expected.UpdatedAt, actual.Entry.OccurredAt);
        var pending = expected.PendingTransfers.All.Select(p => new PendingTransferAt(p.Key.Value, AccountLedgerProjection.Outgoing, p.Value.Amount))
            .Concat(expected.PendingCredits.All.Select(p => new PendingTransferAt(p.Key.Value, AccountLedgerProjection.Incoming, p.Value.Amount)))
            .OrderBy(p => p.TransferId).ThenBy(p => p.Direction);
        Assert.Equal(pending, actual.PendingTransfers);
    }

    private AccountHistoryQueries Queries() => new(_host.Services.GetRequiredService<IDbContextFactory<ReadModelDbContext>>());

    private async Task<AccountSummary> Summary(AccountId id)
    {
        await using var db = _host.OpenReadModel();
        return await db.Accounts.AsNoTracking().SingleAsync(a => a.AccountId == id.Value);
    }

    /// <summary>The SHA-256 of each stored event of the stream, as the serializer read it from the journal.</summary>
    private async Task<List<string?>> StoredHashes(AccountId id)
    {
        var envelopes = await _host.ReadJournal.CurrentEventsByPersistenceId(AccountPersistenceId.For(id), 1, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), _host.System.Materializer());
        var hashes = envelopes.Select(e => StoredEventHashes.OfStored(e.Event)).ToList();
        Assert.All(hashes, Assert.NotNull);
        return hashes;
    }

    private async Task<List<string>> LedgerDump()
    {
        await using var db = _host.OpenReadModel();
        var entries = await db.Ledger.AsNoTracking().OrderBy(e => e.AccountId).ThenBy(e => e.Version)
            .Select(e => $"{e.AccountId}/{e.Version} {e.OccurredAtTicks} {e.Status} {e.EventHash} {e.OldestPendingVersion} {e.BalanceAfter}")
            .ToListAsync();
        var holds = await db.TransferHolds.AsNoTracking().OrderBy(h => h.AccountId).ThenBy(h => h.OpenedVersion)
            .Select(h => $"{h.AccountId}/{h.OpenedVersion} {h.TransferId} {h.Direction} {h.Amount} {h.ResolvedVersion}")
            .ToListAsync();
        var heads = await db.Accounts.AsNoTracking().OrderBy(a => a.AccountId).Select(a => $"{a.AccountId} {a.ChainHead} {a.LastEntryTicks}").ToListAsync();
        return [.. entries, .. holds, .. heads];
    }
}
