using System.Text.Json;
using BankAccounts.Actors.Chain;
using BankAccounts.Actors.Serialization;
using BankAccounts.Domain;
using BankAccounts.Testing;
using Microsoft.Data.Sqlite;
using static BankAccounts.Domain.AccountCommands;

namespace BankAccounts.Actors.Tests;

/// <summary>
/// The hash chain as the entities write it, checked on the raw rows of a real SQLite journal: each stored
/// event's <c>metadata.previousHash</c> is the SHA-256 of the previous row's <c>message</c> blob, byte for byte.
/// </summary>
public sealed class HashChainSpecs
{
    [Fact]
    public async Task Should_link_every_stored_account_event_to_the_stored_bytes_of_its_predecessor()
    {
        var id = AccountId.New();
        await using var host = AccountsTestHost.Start(configure: o => o.Accounts.SnapshotEvery = 4);
        await host.Send(new OpenAccount(id, CommandId.New(), "Ada", "EUR"));
        for (var i = 1; i <= 9; i++)
        {
            await host.Send(i % 3 == 0 ? new WithdrawMoney(id, CommandId.New(), 1_000m) : new DepositMoney(id, CommandId.New(), i));
        }

        var rows = StoredRows(host.DatabasePath, AccountPersistenceId.For(id));

        Assert.Equal(10, rows.Count);
        AssertLinked(AccountPersistenceId.For(id), rows);
        Assert.Equal(StoredEventHashes.Of(rows[^1]), (await host.StateOf(id)).ChainHead);
    }

    [Fact]
    public async Task Should_chain_a_transfer_process_stream_too()
    {
        var (from, to) = (AccountId.New(), AccountId.New());
        await using var host = AccountsTestHost.Start();
        await host.Send(new OpenAccount(from, CommandId.New(), "Ada", "EUR"));
        await host.Send(new DepositMoney(from, CommandId.New(), 50m));
        await host.Send(new OpenAccount(to, CommandId.New(), "Bob", "EUR"));
        var transfer = TransferId.New();
        await host.Send(new RequestTransfer(transfer, from, to, 20m, "rent", CommandId.New()));
        Assert.Equal(TransferStatus.Completed, (await host.TransferOutcome(transfer)).Status);

        var rows = StoredRows(host.DatabasePath, TransferPersistenceId.For(transfer));

        Assert.True(rows.Count >= 4);
        AssertLinked(TransferPersistenceId.For(transfer), rows);
        Assert.True((await new JournalChains(host.System).VerifyAsync(TransferPersistenceId.For(transfer))).Valid);
    }

    [Fact]
    public async Task Should_keep_the_chain_across_a_restart_from_a_snapshot()
    {
        var path = AccountsTestHost.NewDatabasePath();
        var id = AccountId.New();
        await using (var first = AccountsTestHost.Start(path, o => o.Accounts.SnapshotEvery = 3))
        {
            await first.Send(new OpenAccount(id, CommandId.New(), "Ada", "EUR"));
            for (var i = 1; i <= 5; i++)
            {
                await first.Send(new DepositMoney(id, CommandId.New(), i));
            }
            await first.WaitForSingleSnapshot(id, 6);
        }

        await using var second = AccountsTestHost.Start(path, o => o.Accounts.SnapshotEvery = 3);
        await second.Send(new DepositMoney(id, CommandId.New(), 1m));

        var rows = StoredRows(path, AccountPersistenceId.For(id));
        Assert.Equal(7, rows.Count);
        AssertLinked(AccountPersistenceId.For(id), rows);
        var report = await new JournalChains(second.System).VerifyAsync(AccountPersistenceId.For(id));
        Assert.Equal((true, (long?)1L), (report.Valid, report.ChainStartsAt));
    }

    [Fact]
    public async Task Should_anchor_the_chain_after_a_snapshot_written_before_it_with_no_event_after_it()
    {
        // A release-2 journal: events without links and a snapshot without a head, at the stream's very end.
        var path = AccountsTestHost.NewDatabasePath();
        var id = AccountId.New();
        await using (var before = AccountsTestHost.Start(path, o => (o.Accounts.ChainEvents, o.Accounts.SnapshotEvery) = (false, 5)))
        {
            await before.Send(new OpenAccount(id, CommandId.New(), "Ada", "EUR"));
            for (var i = 1; i <= 4; i++)
            {
                await before.Send(new DepositMoney(id, CommandId.New(), i));
            }
            await before.WaitForSingleSnapshot(id, 5);
        }

        await using var after = AccountsTestHost.Start(path, o => o.Accounts.SnapshotEvery = 5);
        await after.Send(new DepositMoney(id, CommandId.New(), 1m));

        var rows = StoredRows(path, AccountPersistenceId.For(id));
        Assert.Equal(6, rows.Count);
        Assert.All(rows.Take(5), row => Assert.Null(PreviousHash(row)));
        Assert.Equal(StoredEventHashes.Of(rows[4]), PreviousHash(rows[5]));
        var report = await new JournalChains(after.System).VerifyAsync(AccountPersistenceId.For(id));
        Assert.Equal((true, (long?)6L, 6L), (report.Valid, report.ChainStartsAt, report.EventsChecked));
    }

    [Fact]
    public void Should_have_the_serializer_store_exactly_the_bytes_an_event_was_sealed_with()
    {
        using var system = Akka.Actor.ActorSystem.Create("seal", Akka.Configuration.ConfigurationFactory.Empty);
        var serializer = new BankAccountsSerializer((Akka.Actor.ExtendedActorSystem)system);
        var @event = new AccountEvents.MoneyDeposited(new Money(1m, Currency.EUR), null, CommandId.New(), DateTimeOffset.UnixEpoch);

        var sealedBytes = serializer.Seal(@event);

        Assert.Same(sealedBytes, serializer.ToBinary(@event));
        Assert.NotSame(sealedBytes, serializer.ToBinary(@event with { }));
    }

    [Fact]
    public async Task Should_seal_each_event_with_the_hash_of_the_bytes_its_predecessor_will_be_stored_as()
    {
        await using var host = AccountsTestHost.Start();
        var chain = new EventChain(host.System, "account-sealing", enabled: true);
        var serializer = host.System.Serialization.FindSerializerFor(Deposit(1m));

        var first = chain.Seal([Deposit(1m), Deposit(2m)]);
        var second = chain.Seal([Deposit(3m)]);

        Assert.Equal(StoredEventHashes.Genesis("account-sealing"), first[0].Metadata.PreviousHash);
        Assert.Equal(StoredEventHashes.Of(serializer.ToBinary(first[0])), first[1].Metadata.PreviousHash);
        Assert.Equal(StoredEventHashes.Of(serializer.ToBinary(first[1])), second[0].Metadata.PreviousHash);
        Assert.Equal(StoredEventHashes.Of(serializer.ToBinary(second[0])), chain.Head);
        Assert.Equal(chain.Head, StoredEventHashes.OfStored(second[0]));
    }

    [Fact]
    public async Task Should_refuse_to_seal_while_the_head_is_unknown_and_seal_nothing_when_off()
    {
        await using var host = AccountsTestHost.Start();
        var unknown = new EventChain(host.System, "account-unknown", enabled: true);
        unknown.StartFrom(snapshotHead: null);
        var off = new EventChain(host.System, "account-off", enabled: false);

        Assert.False(unknown.IsReady);
        Assert.Throws<InvalidOperationException>(() => unknown.Seal([Deposit(1m)]));
        Assert.Null(Assert.Single(off.Seal([Deposit(1m)])).Metadata.PreviousHash);
        Assert.Null(off.Head);
    }

    private static AccountEvent Deposit(decimal amount) =>
        new AccountEvents.MoneyDeposited(new Money(amount, Currency.EUR), null, CommandId.New(), DateTimeOffset.UnixEpoch);

    private static void AssertLinked(string persistenceId, IReadOnlyList<byte[]> rows)
    {
        Assert.Equal(StoredEventHashes.Genesis(persistenceId), PreviousHash(rows[0]));
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.Equal(StoredEventHashes.Of(rows[i - 1]), PreviousHash(rows[i]));
        }
    }

    private static string? PreviousHash(byte[] row)
    {
        using var json = JsonDocument.Parse(row);
        return json.RootElement.TryGetProperty("metadata", out var metadata) && metadata.GetProperty("previousHash").ValueKind == JsonValueKind.String
            ? metadata.GetProperty("previousHash").GetString()
            : null;
    }

    /// <summary>The <c>message</c> column of a stream's rows, in sequence order, as SQLite holds them.</summary>
    private static List<byte[]> StoredRows(string databasePath, string persistenceId)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var rows = new List<byte[]>();
        while (reader.Read())
        {
            rows.Add((byte[])reader[0]);
        }
        return rows;
    }
}
