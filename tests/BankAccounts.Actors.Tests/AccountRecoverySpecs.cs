using BankAccounts.Testing;
using BankAccounts.Domain;
using Microsoft.Data.Sqlite;
using static BankAccounts.Domain.AccountCommands;

namespace BankAccounts.Actors.Tests;

/// <summary>Stop the whole actor system, start a new one on the same SQLite file, and compare.</summary>
public sealed class AccountRecoverySpecs
{
    private const int SnapshotEvery = 5;

    [Fact]
    public async Task Should_recover_the_same_state_and_idempotency_window_after_a_restart()
    {
        var path = AccountsTestHost.NewDatabasePath();
        var id = AccountId.New();
        var commands = new List<AccountCommand> { new OpenAccount(id, new CommandId("open"), "Grace", "CHF", 20m) };
        commands.AddRange(Enumerable.Range(1, 12).Select(i => (AccountCommand)(i % 4 == 0
            ? new WithdrawMoney(id, new CommandId($"w-{i}"), 1_000m)     // declined, still persisted
            : new DepositMoney(id, new CommandId($"d-{i}"), 10.5m * i))));
        var outcomes = new List<CommandOutcome>();
        AccountState.Opened before;
        await using (var first = AccountsTestHost.Start(path, Configure))
        {
            foreach (var command in commands)
            {
                outcomes.Add(await first.Send(command));
            }
            before = await first.StateOf(id);
            await first.WaitForSingleSnapshot(id, 10);
        }

        await using var second = AccountsTestHost.Start(path, Configure);
        var after = await second.StateOf(id);

        AssertSameState(before, after);
        Assert.Equal(13, after.Version);
        // Every command id, from before and after the snapshot, is still recognised: same outcome, nothing persisted.
        for (var i = 0; i < commands.Count; i++)
        {
            Assert.Equal(outcomes[i], await second.Send(commands[i]));
        }
        Assert.Equal(13, (await second.StoredEvents(id)).Count);
    }

    [Fact]
    public async Task Should_recover_from_the_latest_snapshot_plus_the_events_after_it()
    {
        var path = AccountsTestHost.NewDatabasePath();
        var id = AccountId.New();
        await using (var first = AccountsTestHost.Start(path, Configure))
        {
            await first.Send(new OpenAccount(id, CommandId.New(), "Ada", "EUR"));
            for (var i = 1; i <= 11; i++)
            {
                await first.Send(new DepositMoney(id, CommandId.New(), 1m));
            }
            await first.WaitForSingleSnapshot(id, 10);
        }

        EraseStoredPayloadsUpTo(path, id, 10);
        await using var second = AccountsTestHost.Start(path, Configure);
        var state = await second.StateOf(id);

        Assert.Equal((12L, 11m), (state.Version, state.Balance));
        Assert.Equal(new CommandAccepted(13, 12m), await second.Send(new DepositMoney(id, CommandId.New(), 1m)));
    }

    [Fact]
    public async Task Should_snapshot_the_last_event_even_when_it_was_confirmed_while_an_earlier_save_ran()
    {
        var path = AccountsTestHost.NewDatabasePath();
        var id = AccountId.New();
        AccountState.Opened before;
        // A snapshot is due after every event, and a burst confirms events faster than saves finish.
        await using (var first = AccountsTestHost.Start(path, options => options.Accounts.SnapshotEvery = 1))
        {
            await first.Send(new OpenAccount(id, CommandId.New(), "Ada", "EUR"));
            await Task.WhenAll(Enumerable.Range(1, 100).Select(i => first.Send(new DepositMoney(id, new CommandId($"d-{i}"), 0.01m * i))));
            before = await first.StateOf(id);
            await first.WaitForSingleSnapshot(id, 101);
        }

        EraseStoredPayloadsUpTo(path, id, 101);
        await using var second = AccountsTestHost.Start(path, Configure);
        AssertSameState(before, await second.StateOf(id));
    }

    /// <summary>Test-only tampering: if recovery replayed these events instead of starting from the snapshot, it would fail to deserialize them.</summary>
    private static void EraseStoredPayloadsUpTo(string path, AccountId id, long sequenceNr)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE journal SET message = x'00' WHERE persistence_id = $id AND sequence_number <= $sequenceNr";
        command.Parameters.AddWithValue("$id", AccountPersistenceId.For(id));
        command.Parameters.AddWithValue("$sequenceNr", sequenceNr);
        Assert.Equal(sequenceNr, command.ExecuteNonQuery());
    }

    private static void Configure(Hosting.BankAccountsOptions options) => options.Accounts.SnapshotEvery = SnapshotEvery;

    private static void AssertSameState(AccountState.Opened expected, AccountState.Opened actual)
    {
        Assert.Equal(expected with { RecentCommands = RecentCommands.Empty }, actual with { RecentCommands = RecentCommands.Empty });
        Assert.Equal(expected.RecentCommands.InOrder, actual.RecentCommands.InOrder);
    }
}
