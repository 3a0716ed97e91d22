using System.Collections.Frozen;
using BankAccounts.Domain;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Actors.Serialization;

/// <summary>
/// The stable names under which every persisted or remoted type is written. A manifest is a
/// contract with data already stored: renaming or moving a CLR type changes nothing here, and a
/// new shape of an event gets a new version plus an upcaster from the old one
/// (<see cref="EventUpcasters"/>). v2 is the envelope version: every event carries
/// <see cref="EventMetadata"/> (who caused it, the trace context, the hash-chain link), v1 events
/// are read as caused by <see cref="Domain.Security.Principal.Legacy"/>. Commands and states on the
/// wire are v2 too (they carry the principal), so a node of release 1 never misreads them.
/// </summary>
public static class StorageManifests
{
    private static readonly (Type Type, string Manifest)[] Table =
    [
        // Events (journal)
        (typeof(AccountOpened), "AccountOpened.v2"),
        (typeof(MoneyDeposited), "MoneyDeposited.v2"),
        (typeof(MoneyWithdrawn), "MoneyWithdrawn.v2"),
        (typeof(WithdrawalDeclined), "WithdrawalDeclined.v2"),
        (typeof(AccountClosed), "AccountClosed.v2"),
        (typeof(AccountClosureDeclined), "AccountClosureDeclined.v2"),
        (typeof(TransferDebited), "TransferDebited.v2"),
        (typeof(TransferDebitDeclined), "TransferDebitDeclined.v2"),
        (typeof(TransferCredited), "TransferCredited.v2"),
        (typeof(TransferSettled), "TransferSettled.v2"),
        (typeof(TransferRefunded), "TransferRefunded.v2"),
        // Transfer process events (journal, streams transfer-{id})
        (typeof(TransferEvents.TransferRequested), "TransferRequested.v2"),
        (typeof(TransferEvents.SourceDebited), "TransferSourceDebited.v2"),
        (typeof(TransferEvents.SourceDebitFailed), "TransferSourceDebitFailed.v2"),
        (typeof(TransferEvents.DestinationCredited), "TransferDestinationCredited.v2"),
        (typeof(TransferEvents.DestinationCreditFailed), "TransferDestinationCreditFailed.v2"),
        (typeof(TransferEvents.SourceRefunded), "TransferSourceRefunded.v2"),
        (typeof(TransferEvents.SourceSettled), "TransferSourceSettled.v2"),
        (typeof(TransferEvents.DestinationSettled), "TransferDestinationSettled.v2"),
        (typeof(TransferEvents.TransferStuck), "TransferStuck.v2"),
        // Snapshots (snapshot store) and state replies
        (typeof(AccountState), "AccountState.v2"),
        // Cluster messages
        (typeof(OpenAccount), "OpenAccount.v2"),
        (typeof(DepositMoney), "DepositMoney.v2"),
        (typeof(WithdrawMoney), "WithdrawMoney.v2"),
        (typeof(CloseAccount), "CloseAccount.v2"),
        (typeof(DebitForTransfer), "DebitForTransfer.v2"),
        (typeof(CreditFromTransfer), "CreditFromTransfer.v2"),
        (typeof(SettleTransfer), "SettleTransfer.v2"),
        (typeof(RefundTransfer), "RefundTransfer.v2"),
        (typeof(RequestTransfer), "RequestTransfer.v2"),
        (typeof(TransferState), "TransferState.v2"),
        (typeof(TransferMessages.GetTransfer), "GetTransfer.v1"),
        (typeof(TransferMessages.ResumeTransfer), "ResumeTransfer.v1"),
        (typeof(TransferMessages.StopTransfer), "StopTransfer.v1"),
        (typeof(CommandAccepted), "CommandAccepted.v1"),
        (typeof(CommandDeclined), "CommandDeclined.v1"),
        (typeof(CommandRejected), "CommandRejected.v2"),
        (typeof(AccountMessages.GetAccountState), "GetAccountState.v1"),
        (typeof(AccountMessages.GetAccountView), "GetAccountView.v1"),
        (typeof(AccountView), "AccountView.v1"),
        (typeof(AccountMessages.StopAccount), "StopAccount.v1"),
    ];

    private static readonly FrozenDictionary<Type, string> ByType = Table.ToFrozenDictionary(e => e.Type, e => e.Manifest);
    private static readonly FrozenDictionary<string, Type> ByManifest = Table.ToFrozenDictionary(e => e.Manifest, e => e.Type, StringComparer.Ordinal);

    /// <summary>The types the serializer is bound to (Akka picks the most specific binding).</summary>
    public static readonly IReadOnlyList<Type> BoundTypes =
    [
        typeof(AccountEvent), typeof(AccountCommand), typeof(CommandOutcome), typeof(AccountState),
        typeof(AccountMessages.GetAccountState), typeof(AccountMessages.GetAccountView), typeof(AccountView), typeof(AccountMessages.StopAccount),
        typeof(TransferEvent), typeof(RequestTransfer), typeof(TransferState),
        typeof(TransferMessages.GetTransfer), typeof(TransferMessages.ResumeTransfer), typeof(TransferMessages.StopTransfer),
    ];

    public static IEnumerable<(Type Type, string Manifest)> All => Table;

    /// <remarks>Both cases of the closed <see cref="AccountState"/> have its one stored shape.</remarks>
    public static string Of(Type type) =>
        ByType.TryGetValue(type.BaseType == typeof(AccountState) ? typeof(AccountState) : type, out var manifest)
            ? manifest
            : throw new ArgumentException($"{type.FullName} has no storage manifest; add it to {nameof(StorageManifests)}.", nameof(type));

    public static bool TryGetType(string manifest, out Type type) => ByManifest.TryGetValue(manifest, out type!);
}
