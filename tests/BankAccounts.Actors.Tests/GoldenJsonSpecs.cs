using System.Text;
using Akka.Actor;
using BankAccounts.Actors.Serialization;
using BankAccounts.Domain;
using BankAccounts.Domain.Security;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Actors.Tests;

/// <summary>
/// Every stored and remoted shape pinned as exact JSON text (<c>Golden/{manifest}.json</c>): an
/// accidental change of a field name, a type, an enum spelling or a value converter fails here,
/// before it reaches a journal or a node of another release. A deliberate change is a new manifest
/// version plus an upcaster, and a new golden file beside the old one.
/// </summary>
public sealed class GoldenJsonSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly AccountId Id = new(Guid.Parse("5b3f7c2e-8d41-4a5e-9f0a-1c2d3e4f5a6b"));
    private static readonly AccountId Id2 = new(Guid.Parse("0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f"));
    private static readonly TransferId Transfer1 = new(Guid.Parse("7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"));
    private static readonly TransferId Transfer2 = new(Guid.Parse("0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"));
    private static readonly CommandId Cmd = new("cmd-1");
    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = new(2026, 11, 22, 10, 35, 12, 345, TimeSpan.Zero);
    private static readonly Money TwentyFive = new(25m, Currency.EUR);
    private static readonly Principal Alice = new("alice", Role.Customer, "Alice Liddell");
    private static readonly Principal Teller = new("tom", Role.Teller, "Tom Teller");
    private const string Trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private const string ChainHead = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly EventMetadata Meta = new(Alice, Trace, PreviousHash: null);

    /// <summary>One fully populated sample per manifest: every optional field set, every event attributed.</summary>
    private static readonly object[] Samples =
    [
        new AccountOpened(Id, "Ada Lovelace", Currency.EUR, 100m, Cmd, At) { OwnerId = "alice", Metadata = Meta },
        new MoneyDeposited(new Money(100.25m, Currency.EUR), "salary", Cmd, At) { Metadata = Meta },
        new MoneyWithdrawn(new Money(40m, Currency.EUR), "cash", Cmd, At) { Metadata = Meta },
        new WithdrawalDeclined(new Money(500m, Currency.EUR), 160.25m, WithdrawalDeclineReason.InsufficientFunds, "rent", Cmd, At) { Metadata = Meta },
        new AccountClosed(Cmd, At) { Metadata = Meta },
        new AccountClosureDeclined(ClosureDeclineReason.TransfersPending, 60.25m, Cmd, At) { Metadata = Meta },
        new TransferDebited(Transfer1, Id2, TwentyFive, "rent", Cmd, At) { Metadata = Meta },
        new TransferDebitDeclined(Transfer1, Id2, TwentyFive, 10m, WithdrawalDeclineReason.InsufficientFunds, "rent", Cmd, At) { Metadata = Meta },
        new TransferCredited(Transfer1, Id, TwentyFive, "rent", Cmd, At) { Metadata = Meta },
        new TransferSettled(Transfer1, Cmd, At) { Metadata = Meta },
        new TransferRefunded(Transfer1, TwentyFive, "AccountClosed", Cmd, At) { Metadata = Meta },
        new TransferEvents.TransferRequested(Transfer1, Id, Id2, 25m, "rent", Cmd, At) { Metadata = Meta },
        new TransferEvents.SourceDebited(TwentyFive, 4, At) { Metadata = Meta },
        new TransferEvents.SourceDebitFailed("InsufficientFunds", "only 10 available", At) { Metadata = Meta },
        new TransferEvents.DestinationCredited(7, At) { Metadata = Meta },
        new TransferEvents.DestinationCreditFailed("AccountClosed", "closed", At) { Metadata = Meta },
        new TransferEvents.SourceRefunded(6, At) { Metadata = Meta },
        new TransferEvents.SourceSettled(5, At) { Metadata = Meta },
        new TransferEvents.DestinationSettled(8, At) { Metadata = Meta },
        new TransferEvents.TransferStuck(TransferStep.Refund, "InvalidCommand", "The refund step was refused: not pending.", At) { Metadata = Meta },
        State(ownerId: "alice", forgottenThrough: 40) with { ChainHead = ChainHead },
        new OpenAccount(Id, Cmd, "Ada Lovelace", "EUR", 100m, 0) { CustomerId = "alice", Principal = Teller, TraceParent = Trace },
        new DepositMoney(Id, Cmd, 100.25m, "EUR", "salary", 1) { Principal = Alice, TraceParent = Trace },
        new WithdrawMoney(Id, Cmd, 40m, "EUR", "cash", 2) { Principal = Alice, TraceParent = Trace },
        new CloseAccount(Id, Cmd, 7) { Principal = Alice, TraceParent = Trace },
        new DebitForTransfer(Id, Cmd, Transfer1, Id2, 25m, "rent", 3) { Principal = Alice, TraceParent = Trace },
        new CreditFromTransfer(Id2, Cmd, Transfer1, Id, TwentyFive, "rent", 5) { Principal = Alice, TraceParent = Trace },
        new SettleTransfer(Id, Cmd, Transfer1, 4) { Principal = Alice, TraceParent = Trace },
        new RefundTransfer(Id, Cmd, Transfer1, "AccountClosed", 4) { Principal = Alice, TraceParent = Trace },
        new RequestTransfer(Transfer1, Id, Id2, 25m, "rent", Cmd) { Principal = Alice, TraceParent = Trace },
        new TransferState(
            Transfer1, TransferStatus.Stuck, Id, Id2, 25m, "rent", Cmd, TwentyFive, Credited: true, SourceSettled: true, CreditFailed: true,
            "AccountClosed", "closed", At, Later, 5,
            [new TransferStepTaken("Debit", At, "source version 4"), new TransferStepTaken("Refund", Later, "refused: not pending")])
        {
            Origin = Meta,
        },
        new TransferMessages.GetTransfer(Transfer1),
        new TransferMessages.ResumeTransfer(Transfer1),
        TransferMessages.StopTransfer.Instance,
        new CommandAccepted(3, 10.5m),
        new CommandDeclined(4, 10.5m, DeclineReason.InsufficientFunds, "only 10.50 available"),
        new CommandRejected(RejectionReason.VersionMismatch, [FieldError.General("version_mismatch", "expected 2"), new FieldError("amount", FieldErrorCodes.NotPositive, "was 3")], 3),
        new AccountMessages.GetAccountState(Id),
        new AccountMessages.GetAccountView(Id),
        new AccountView(Id, AccountStatus.Open, "Ada Lovelace", "alice", Currency.EUR, 160.25m, 100m, 42, ChainHead),
        AccountMessages.StopAccount.Instance,
    ];

    private static readonly Dictionary<string, object> SampleByManifest =
        Samples.ToDictionary(s => StorageManifests.Of(s.GetType()), StringComparer.Ordinal);

    private static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "Golden");

    public static TheoryData<string> Manifests => [.. StorageManifests.All.Select(e => e.Manifest)];

    /// <summary>What release 1 wrote: the manifests the upcasters start from.</summary>
    public static TheoryData<string> ReleaseOneManifests => [.. EventUpcasters.All.Select(u => u.FromManifest).Where(m => m.EndsWith(".v1", StringComparison.Ordinal))];

    private readonly BankAccountsSerializer _serializer;

    public GoldenJsonSpecs()
    {
        _serializer = new BankAccountsSerializer((ExtendedActorSystem)Sys);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Should_write_and_read_exactly_the_golden_json_of_every_manifest(string manifest)
    {
        Assert.True(SampleByManifest.TryGetValue(manifest, out var sample), $"No golden sample for '{manifest}': add one to {nameof(Samples)}.");
        var written = Encoding.UTF8.GetString(_serializer.ToBinary(sample));
        var golden = Golden(manifest, written);

        Assert.Equal(manifest, _serializer.Manifest(sample));
        Assert.Equal(golden, written);

        var read = _serializer.FromBinary(Encoding.UTF8.GetBytes(golden), manifest);
        AssertSame(sample, read);
    }

    [Theory]
    [MemberData(nameof(ReleaseOneManifests))]
    public void Should_read_the_golden_json_of_release_1_as_the_current_shape_with_legacy_attribution(string manifest)
    {
        var current = manifest.Replace(".v1", ".v2", StringComparison.Ordinal);
        var expected = AsReleaseOneStoredIt(SampleByManifest[current]);
        var golden = Golden(manifest, actual: null);

        var read = _serializer.FromBinary(Encoding.UTF8.GetBytes(golden), manifest);

        AssertSame(expected, read);
        Assert.Equal(current, _serializer.Manifest(read));
    }

    [Fact]
    public void Should_keep_no_golden_file_without_a_manifest()
    {
        var known = StorageManifests.All.Select(e => e.Manifest).Concat(EventUpcasters.All.Select(u => u.FromManifest)).ToHashSet(StringComparer.Ordinal);
        var stray = Directory.EnumerateFiles(GoldenDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Where(m => !known.Contains(m!)).ToList();

        Assert.True(stray.Count == 0, "Golden files for no manifest: " + string.Join(", ", stray));
        Assert.True(Samples.Length == StorageManifests.All.Count(), "A sample of a type without a manifest, or two samples of one type.");
    }

    /// <summary>
    /// Release 1 recorded no principal, trace or owner, and its snapshots no forgotten window: what it
    /// wrote reads as the sample with those left out and attributed to <see cref="Principal.Legacy"/>.
    /// </summary>
    private static object AsReleaseOneStoredIt(object sample) => sample switch
    {
        AccountOpened opened => opened with { OwnerId = null, Metadata = EventMetadata.Legacy },
        AccountEvent @event => @event with { Metadata = EventMetadata.Legacy },
        TransferEvent @event => @event with { Metadata = EventMetadata.Legacy },
        AccountState => State(ownerId: null, forgottenThrough: 0),
        CommandRejected rejected => rejected with { Errors = [.. rejected.Errors.Select(e => FieldError.General(FieldErrorCodes.Invalid, e.Message))] },
        _ => throw new ArgumentException($"Release 1 stored no {sample.GetType().Name}.", nameof(sample)),
    };

    private static AccountState State(string? ownerId, long forgottenThrough) =>
        new AccountState.Opened(
            Id, "Ada Lovelace", Currency.EUR, 160.25m, 100m, 42, At, Later,
            RecentCommands.From(
                [
                    new ProcessedCommand(new CommandId("cmd-41"), CommandKind.DepositMoney, 100.25m, "salary", new CommandAccepted(41, 160.25m)),
                    new ProcessedCommand(new CommandId("cmd-42"), CommandKind.WithdrawMoney, 500m, "rent", new CommandDeclined(42, 160.25m, DeclineReason.InsufficientFunds, "only 260.25 available")),
                ],
                forgottenThrough),
            PendingTransfers.From([KeyValuePair.Create(Transfer1, TwentyFive)]),
            PendingTransfers.From([KeyValuePair.Create(Transfer2, new Money(70m, Currency.EUR))]))
        {
            OwnerId = ownerId,
        };

    /// <summary>Value equality, and the same JSON again (a list inside a record compares by reference).</summary>
    private void AssertSame(object expected, object actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        if (expected is not CommandRejected)
        {
            Assert.Equal(expected, actual);
        }
        Assert.Equal(Encoding.UTF8.GetString(_serializer.ToBinary(expected)), Encoding.UTF8.GetString(_serializer.ToBinary(actual)));
    }

    /// <summary>The golden text (one line; the file's final newline is not part of it).</summary>
    private static string Golden(string manifest, string? actual)
    {
        var path = Path.Combine(GoldenDirectory, manifest + ".json");
        Assert.True(File.Exists(path), $"No golden file Golden/{manifest}.json." + (actual is null ? string.Empty : $" The serializer writes:{Environment.NewLine}{actual}"));
        return File.ReadAllText(path).TrimEnd('\r', '\n');
    }
}
