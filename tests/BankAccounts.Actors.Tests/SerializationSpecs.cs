using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using BankAccounts.Actors.Serialization;
using BankAccounts.Domain;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Actors.Tests;

public sealed class SerializationSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly AccountId Id = new(Guid.Parse("5b3f7c2e-8d41-4a5e-9f0a-1c2d3e4f5a6b"));
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 30, 0, TimeSpan.Zero);
    private static readonly CommandId Cmd = new("cmd-1");
    private static readonly AccountId Id2 = new(Guid.Parse("0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f"));
    private static readonly TransferId Transfer1 = new(Guid.Parse("7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"));
    private static readonly TransferId Transfer2 = new(Guid.Parse("0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"));

    /// <summary>One sample of every type that has a manifest.</summary>
    public static readonly object[] Samples =
    [
        new AccountOpened(Id, "Ada Lovelace", Currency.EUR, 100m, Cmd, At),
        new MoneyDeposited(new Money(100.25m, Currency.EUR), "salary", Cmd, At),
        new MoneyWithdrawn(new Money(40m, Currency.EUR), null, Cmd, At),
        new WithdrawalDeclined(new Money(500m, Currency.EUR), 160.25m, WithdrawalDeclineReason.InsufficientFunds, "rent", Cmd, At),
        new AccountClosed(Cmd, At),
        new AccountClosureDeclined(ClosureDeclineReason.NonZeroBalance, 60.25m, Cmd, At),
        new OpenAccount(Id, Cmd, "Ada", "EUR", 10m, 0),
        new DepositMoney(Id, Cmd, 1.5m, "EUR", "ref", 3),
        new WithdrawMoney(Id, Cmd, 2m),
        new CloseAccount(Id, Cmd, 7),
        new CommandAccepted(3, 10.5m),
        new CommandAccepted(1, 0m) { Opening = new AccountOpening("Ada Lovelace", Currency.JPY, 100m) },
        new CommandDeclined(4, 10.5m, DeclineReason.InsufficientFunds, "only 10.50 available"),
        new CommandRejected(RejectionReason.VersionMismatch, [FieldError.General("version_mismatch", "expected 2")], 3),
        new AccountMessages.GetAccountState(Id),
        new AccountMessages.GetAccountView(Id),
        new AccountView(Id, AccountStatus.Closed, "Ada", null, Currency.KWD, 0m, 1.125m, 9, null),
        AccountMessages.StopAccount.Instance,
        new TransferDebited(Transfer1, Id2, new Money(25m, Currency.EUR), "rent", Cmd, At),
        new TransferDebitDeclined(Transfer1, Id2, new Money(25m, Currency.EUR), 10m, WithdrawalDeclineReason.InsufficientFunds, null, Cmd, At),
        new TransferCredited(Transfer1, Id, new Money(25m, Currency.EUR), "rent", Cmd, At),
        new TransferSettled(Transfer1, Cmd, At),
        new TransferRefunded(Transfer1, new Money(25m, Currency.EUR), "AccountClosed", Cmd, At),
        new TransferEvents.TransferRequested(Transfer1, Id, Id2, 25m, "rent", Cmd, At),
        new TransferEvents.SourceDebited(new Money(25m, Currency.EUR), 4, At),
        new TransferEvents.SourceDebitFailed("InsufficientFunds", "only 10 available", At),
        new TransferEvents.DestinationCredited(7, At),
        new TransferEvents.DestinationCreditFailed("AccountClosed", "closed", At),
        new TransferEvents.SourceRefunded(6, At),
        new TransferEvents.SourceSettled(5, At),
        new TransferEvents.DestinationSettled(8, At),
        new TransferEvents.TransferStuck(TransferStep.Refund, "InvalidCommand", "The refund step was refused: not pending.", At)
        {
            Metadata = new EventMetadata(new Domain.Security.Principal("alice", Domain.Security.Role.Customer, "Alice"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        },
        new DebitForTransfer(Id, Cmd, Transfer1, Id2, 25m, "rent"),
        new CreditFromTransfer(Id2, Cmd, Transfer1, Id, new Money(25m, Currency.EUR), "rent"),
        new SettleTransfer(Id, Cmd, Transfer1),
        new RefundTransfer(Id, Cmd, Transfer1, "AccountClosed"),
        new RequestTransfer(Transfer1, Id, Id2, 25m, "rent", Cmd),
        Transfer.Replay(Transfer1, [new TransferEvents.TransferRequested(Transfer1, Id, Id2, 25m, "rent", Cmd, At), new TransferEvents.SourceDebited(new Money(25m, Currency.EUR), 4, At)]),
        new TransferMessages.GetTransfer(Transfer1),
        new TransferMessages.ResumeTransfer(Transfer1),
        TransferMessages.StopTransfer.Instance,
    ];

    public static IEnumerable<object[]> SampleData => Samples.Select(s => new[] { s });

    private readonly BankAccountsSerializer _serializer;

    public SerializationSpecs()
    {
        _serializer = new BankAccountsSerializer((ExtendedActorSystem)Sys);
    }

    [Fact]
    public void Should_have_a_sample_for_every_type_with_a_manifest()
    {
        var sampled = Samples.Select(s => s.GetType()).Append(typeof(AccountState)).ToHashSet();
        var missing = StorageManifests.All.Select(e => e.Type).Where(t => !sampled.Contains(t)).ToList();
        Assert.True(missing.Count == 0, "No sample for: " + string.Join(", ", missing.Select(t => t.Name)));
    }

    [Theory]
    [MemberData(nameof(SampleData))]
    public void Should_round_trip_through_its_manifest(object sample)
    {
        var manifest = _serializer.Manifest(sample);
        var restored = _serializer.FromBinary(_serializer.ToBinary(sample), manifest);

        Assert.Equal(sample.GetType(), restored.GetType());
        Assert.Equal(Canonical(sample), Canonical(restored));
    }

    [Fact]
    public void Should_write_an_acceptance_without_opening_terms_exactly_as_before_they_existed()
    {
        var json = Encoding.UTF8.GetString(_serializer.ToBinary(new CommandAccepted(3, 10.5m)));

        Assert.Equal("""{"version":3,"balance":10.5}""", json);
    }

    [Fact]
    public void Should_round_trip_an_account_state_with_its_idempotency_window()
    {
        var state = Account.Replay(Id, (AccountEvent[])
        [
            new AccountOpened(Id, "Ada", Currency.JPY, 0m, new CommandId("a"), At),
            new MoneyDeposited(new Money(1000m, Currency.JPY), null, new CommandId("b"), At),
            new WithdrawalDeclined(new Money(5000m, Currency.JPY), 1000m, WithdrawalDeclineReason.InsufficientFunds, null, new CommandId("c"), At),
            new TransferDebited(Transfer1, Id2, new Money(300m, Currency.JPY), null, new CommandId("d"), At),
            new TransferCredited(Transfer2, Id2, new Money(70m, Currency.JPY), null, new CommandId("e"), At),
        ]);

        var restored = (AccountState.Opened)_serializer.FromBinary(_serializer.ToBinary(state), "AccountState.v1");

        Assert.Equal(state, restored);
        Assert.Equal(5, restored.RecentCommands.Count);
        Assert.Equal(300m, restored.PendingTransfers.Total);
        Assert.Equal(70m, restored.PendingCredits.Total);
    }

    [Fact]
    public void Should_read_a_snapshot_stored_before_pending_credits_existed_as_having_none()
    {
        var state = Account.Replay(Id, (AccountEvent[])
        [
            new AccountOpened(Id, "Ada", Currency.EUR, 0m, new CommandId("a"), At),
            new TransferDebited(Transfer1, Id2, new Money(30m, Currency.EUR), null, new CommandId("b"), At),
        ]);
        var stored = JsonNode.Parse(_serializer.ToBinary(state))!.AsObject();
        Assert.True(stored.Remove("pendingCredits"));

        var restored = (AccountState.Opened)_serializer.FromBinary(Encoding.UTF8.GetBytes(stored.ToJsonString()), "AccountState.v1");

        Assert.Equal(state, restored);
        Assert.Equal(0, restored.PendingCredits.Count);
    }

    /// <summary>
    /// An account never opened is never snapshotted (it has no event), but it answers <see cref="AccountMessages.GetAccountState"/>:
    /// in the bytes release 1 wrote for it, and read back as not opened, without the owner and currency that shape must carry.
    /// </summary>
    [Fact]
    public void Should_write_an_account_never_opened_as_release_1_did_and_read_it_as_not_opened()
    {
        var state = new AccountState.NotOpened(Id) { ChainHead = "genesis" };

        var json = Encoding.UTF8.GetString(_serializer.ToBinary(state));
        var restored = _serializer.FromBinary(Encoding.UTF8.GetBytes(json), _serializer.Manifest(state));

        Assert.Equal(
            $$"""{"id":"{{Id}}","status":"NotOpened","owner":"","currency":"EUR","balance":0,"overdraftLimit":0,"version":0,"openedAt":null,"updatedAt":null,"recentCommands":[],"pendingTransfers":[],"pendingCredits":[],"ownerId":null,"forgottenThrough":0,"chainHead":"genesis"}""",
            json);
        Assert.Equal("AccountState.v2", _serializer.Manifest(state));
        Assert.Equal(state, restored);
    }

    [Theory]
    [MemberData(nameof(SampleData))]
    public void Should_write_no_clr_type_name_into_storage(object sample)
    {
        var manifest = _serializer.Manifest(sample);
        var json = Encoding.UTF8.GetString(_serializer.ToBinary(sample));

        Assert.Matches(@"^[A-Za-z]+\.v\d+$", manifest);
        Assert.DoesNotContain("BankAccounts", json);
        Assert.DoesNotContain("$type", json);
        Assert.DoesNotContain(sample.GetType().Namespace!, manifest);
    }

    /// <summary>
    /// The stored names are a contract with existing journals: pinned here as literals, so renaming
    /// or moving a C# type (which changes its CLR name) cannot change what is written or read.
    /// </summary>
    [Fact]
    public void Should_keep_stable_manifests_independent_of_clr_names()
    {
        var expected = new Dictionary<string, string>
        {
            ["AccountOpened"] = "AccountOpened.v2",
            ["MoneyDeposited"] = "MoneyDeposited.v2",
            ["MoneyWithdrawn"] = "MoneyWithdrawn.v2",
            ["WithdrawalDeclined"] = "WithdrawalDeclined.v2",
            ["AccountClosed"] = "AccountClosed.v2",
            ["AccountClosureDeclined"] = "AccountClosureDeclined.v2",
            ["AccountState"] = "AccountState.v2",
            ["TransferDebited"] = "TransferDebited.v2",
            ["TransferCredited"] = "TransferCredited.v2",
            ["TransferRequested"] = "TransferRequested.v2",
            ["SourceDebited"] = "TransferSourceDebited.v2",
        };
        foreach (var (type, manifest) in StorageManifests.All.Where(e => expected.ContainsKey(e.Type.Name)))
        {
            Assert.Equal(expected[type.Name], manifest);
            Assert.DoesNotContain(type.FullName!, manifest);
        }

        // A renamed class is simply bound to the old manifest: what matters is the table, not the name.
        var renamed = new RenamedMoneyDeposited(12m);
        Assert.Throws<ArgumentException>(() => _serializer.Manifest(renamed));
    }

    /// <summary>JSON exactly as version 1 wrote it: it must always read back.</summary>
    [Theory]
    [InlineData("AccountOpened.v1", """{"accountId":"5b3f7c2e-8d41-4a5e-9f0a-1c2d3e4f5a6b","owner":"Ada","currency":"EUR","overdraftLimit":100,"commandId":"c1","occurredAt":"2026-11-22T10:30:00+00:00"}""")]
    [InlineData("MoneyDeposited.v1", """{"amount":{"amount":100.25,"currency":"EUR"},"reference":"salary","commandId":"c2","occurredAt":"2026-11-22T10:30:00+00:00"}""")]
    [InlineData("MoneyWithdrawn.v1", """{"amount":{"amount":40,"currency":"EUR"},"reference":null,"commandId":"c3","occurredAt":"2026-11-22T10:30:00+00:00"}""")]
    [InlineData("WithdrawalDeclined.v1", """{"requested":{"amount":500,"currency":"EUR"},"available":60.25,"reason":"InsufficientFunds","reference":null,"commandId":"c4","occurredAt":"2026-11-22T10:30:00+00:00"}""")]
    [InlineData("AccountClosed.v1", """{"commandId":"c5","occurredAt":"2026-11-22T10:30:00+00:00"}""")]
    [InlineData("AccountClosureDeclined.v1", """{"reason":"NonZeroBalance","balance":60.25,"commandId":"c6","occurredAt":"2026-11-22T10:30:00+00:00"}""")]
    public void Should_read_events_stored_by_version_1(string manifest, string storedJson)
    {
        var @event = Assert.IsAssignableFrom<AccountEvent>(_serializer.FromBinary(Encoding.UTF8.GetBytes(storedJson), manifest));

        Assert.Equal(At, @event.OccurredAt);
        Assert.StartsWith("c", @event.CommandId.Value);
        // Read through the upcaster: written back as v2, attributed to the legacy principal.
        Assert.Equal(manifest.Replace(".v1", ".v2", StringComparison.Ordinal), _serializer.Manifest(@event));
        Assert.Equal(EventMetadata.Legacy, @event.Metadata);
    }

    [Fact]
    public void Should_upcast_an_older_stored_version_on_read()
    {
        // A hypothetical v0 that stored the amount as a bare number and the currency beside it.
        var serializer = new BankAccountsSerializer((ExtendedActorSystem)Sys, [new MoneyDepositedV0ToV1(), .. EventUpcasters.All]);
        var v0 = """{"amount":12.5,"currency":"GBP","commandId":"old","occurredAt":"2020-01-01T00:00:00+00:00"}""";

        var @event = Assert.IsType<MoneyDeposited>(serializer.FromBinary(Encoding.UTF8.GetBytes(v0), "MoneyDeposited.v0"));

        Assert.Equal((new Money(12.5m, Currency.GBP), (string?)null, "old"), (@event.Amount, @event.Reference, @event.CommandId.Value));
    }

    [Fact]
    public void Should_upcast_an_older_stored_snapshot_through_its_stored_shape()
    {
        // A hypothetical v0 snapshot that called the idempotency window "commands".
        var serializer = new BankAccountsSerializer((ExtendedActorSystem)Sys, [new AccountStateV0ToV1(), .. EventUpcasters.All]);
        var state = Account.Replay(Id, (AccountEvent[])
        [
            new AccountOpened(Id, "Ada", Currency.EUR, 0m, new CommandId("a"), At),
            new MoneyDeposited(new Money(10m, Currency.EUR), null, new CommandId("b"), At),
        ]);
        var v0 = JsonNode.Parse(_serializer.ToBinary(state))!.AsObject();
        v0["commands"] = v0["recentCommands"]!.DeepClone();
        Assert.True(v0.Remove("recentCommands"));

        var restored = Assert.IsType<AccountState.Opened>(serializer.FromBinary(Encoding.UTF8.GetBytes(v0.ToJsonString()), "AccountState.v0"));

        Assert.Equal(state, restored);
        Assert.Equal(2, restored.RecentCommands.Count);
    }

    [Fact]
    public void Should_refuse_an_unknown_manifest_with_a_clear_error()
    {
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(
            () => _serializer.FromBinary("{}"u8.ToArray(), "SomethingElse.v9"));
        Assert.Contains("SomethingElse.v9", error.Message);
    }

    private string Canonical(object value) => Encoding.UTF8.GetString(_serializer.ToBinary(value));

    private sealed record RenamedMoneyDeposited(decimal Amount);

    private sealed class AccountStateV0ToV1 : IEventUpcaster
    {
        public string FromManifest => "AccountState.v0";

        public string ToManifest => "AccountState.v1";

        public JsonObject Upcast(JsonObject stored)
        {
            var upcast = stored.DeepClone().AsObject();
            upcast["recentCommands"] = upcast["commands"]!.DeepClone();
            upcast.Remove("commands");
            return upcast;
        }
    }

    private sealed class MoneyDepositedV0ToV1 : IEventUpcaster
    {
        public string FromManifest => "MoneyDeposited.v0";

        public string ToManifest => "MoneyDeposited.v1";

        public System.Text.Json.Nodes.JsonObject Upcast(System.Text.Json.Nodes.JsonObject stored) => new()
        {
            ["amount"] = new System.Text.Json.Nodes.JsonObject { ["amount"] = stored["amount"]!.DeepClone(), ["currency"] = stored["currency"]!.DeepClone() },
            ["reference"] = null,
            ["commandId"] = stored["commandId"]!.DeepClone(),
            ["occurredAt"] = stored["occurredAt"]!.DeepClone(),
        };
    }
}
