using System.Collections.Frozen;
using BankAccounts.Domain;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Actors.Serialization;

/// <summary>
/// The stable names under which every persisted or remoted type is written. A manifest is a
/// contract with data already stored: renaming or moving a CLR type changes nothing here, and a
/// new shape of an event gets a new version (<c>.v2</c>) plus an upcaster from the old one.
/// </summary>
public static class StorageManifests
{
    private static readonly (Type Type, string Manifest)[] Table =
    [
        // Events (journal)
        (typeof(AccountOpened), "AccountOpened.v1"),
        (typeof(MoneyDeposited), "MoneyDeposited.v1"),
        (typeof(MoneyWithdrawn), "MoneyWithdrawn.v1"),
        (typeof(WithdrawalDeclined), "WithdrawalDeclined.v1"),
        (typeof(AccountClosed), "AccountClosed.v1"),
        (typeof(AccountClosureDeclined), "AccountClosureDeclined.v1"),
        (typeof(TransferDebited), "TransferDebited.v1"),
        (typeof(TransferDebitDeclined), "TransferDebitDeclined.v1"),
        (typeof(TransferCredited), "TransferCredited.v1"),
        (typeof(TransferSettled), "TransferSettled.v1"),
        (typeof(TransferRefunded), "TransferRefunded.v1"),
        // Transfer process events (journal, streams transfer-{id})
        (typeof(TransferEvents.TransferRequested), "TransferRequested.v1"),
        (typeof(TransferEvents.SourceDebited), "TransferSourceDebited.v1"),
        (typeof(TransferEvents.SourceDebitFailed), "TransferSourceDebitFailed.v1"),
        (typeof(TransferEvents.DestinationCredited), "TransferDestinationCredited.v1"),
        (typeof(TransferEvents.DestinationCreditFailed), "TransferDestinationCreditFailed.v1"),
        (typeof(TransferEvents.SourceRefunded), "TransferSourceRefunded.v1"),
        (typeof(TransferEvents.SourceSettled), "TransferSourceSettled.v1"),
        (typeof(TransferEvents.DestinationSettled), "TransferDestinationSettled.v1"),
        // Snapshots (snapshot store) and state replies
        (typeof(AccountState), "AccountState.v1"),
        // Cluster messages
        (typeof(OpenAccount), "OpenAccount.v1"),
        (typeof(DepositMoney), "DepositMoney.v1"),
        (typeof(WithdrawMoney), "WithdrawMoney.v1"),
        (typeof(CloseAccount), "CloseAccount.v1"),
        (typeof(DebitForTransfer), "DebitForTransfer.v1"),
        (typeof(CreditFromTransfer), "CreditFromTransfer.v1"),
        (typeof(SettleTransfer), "SettleTransfer.v1"),
        (typeof(RefundTransfer), "RefundTransfer.v1"),
        (typeof(RequestTransfer), "RequestTransfer.v1"),
        (typeof(TransferState), "TransferState.v1"),
        (typeof(TransferMessages.GetTransfer), "GetTransfer.v1"),
        (typeof(TransferMessages.ResumeTransfer), "ResumeTransfer.v1"),
        (typeof(TransferMessages.StopTransfer), "StopTransfer.v1"),
        (typeof(CommandAccepted), "CommandAccepted.v1"),
        (typeof(CommandDeclined), "CommandDeclined.v1"),
        (typeof(CommandRejected), "CommandRejected.v1"),
        (typeof(AccountMessages.GetAccountState), "GetAccountState.v1"),
        (typeof(AccountMessages.StopAccount), "StopAccount.v1"),
    ];

    private static readonly FrozenDictionary<Type, string> ByType = Table.ToFrozenDictionary(e => e.Type, e => e.Manifest);
    private static readonly FrozenDictionary<string, Type> ByManifest = Table.ToFrozenDictionary(e => e.Manifest, e => e.Type, StringComparer.Ordinal);

    /// <summary>The types the serializer is bound to (Akka picks the most specific binding).</summary>
    public static readonly IReadOnlyList<Type> BoundTypes =
    [
        typeof(AccountEvent), typeof(AccountCommand), typeof(CommandOutcome), typeof(AccountState),
        typeof(AccountMessages.GetAccountState), typeof(AccountMessages.StopAccount),
        typeof(TransferEvent), typeof(RequestTransfer), typeof(TransferState),
        typeof(TransferMessages.GetTransfer), typeof(TransferMessages.ResumeTransfer), typeof(TransferMessages.StopTransfer),
    ];

    public static IEnumerable<(Type Type, string Manifest)> All => Table;

    public static string Of(Type type) =>
        ByType.TryGetValue(type, out var manifest)
            ? manifest
            : throw new ArgumentException($"{type.FullName} has no storage manifest; add it to {nameof(StorageManifests)}.", nameof(type));

    public static bool TryGetType(string manifest, out Type type) => ByManifest.TryGetValue(manifest, out type!);
}
