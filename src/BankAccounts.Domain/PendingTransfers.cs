using System.Collections.Immutable;

namespace BankAccounts.Domain;

/// <summary>
/// Transfers still in flight on one account, by id, with their amounts. An account keeps two:
/// the transfers it was debited for that are neither settled nor refunded (a refund gives back
/// exactly the amount recorded here), and the transfers it was credited for that are not settled
/// yet. While either holds one the account cannot be closed, and a debit or credit resent after
/// the idempotency window forgot its command id is still recognised, so it never applies twice.
/// </summary>
public sealed class PendingTransfers : IEquatable<PendingTransfers>
{
    public static readonly PendingTransfers None = new(ImmutableSortedDictionary.Create<TransferId, Money>(TransferIdComparer.Instance));

    private readonly ImmutableSortedDictionary<TransferId, Money> _amounts;

    private PendingTransfers(ImmutableSortedDictionary<TransferId, Money> amounts) => _amounts = amounts;

    public int Count => _amounts.Count;

    public IEnumerable<KeyValuePair<TransferId, Money>> All => _amounts;


    /// <summary>Debited and not yet settled or refunded (between credit and settlement the money is also on the destination).</summary>
    public decimal Total => _amounts.Values.Sum(m => m.Amount);

    public bool TryGet(TransferId id, out Money amount) => _amounts.TryGetValue(id, out amount);

    public PendingTransfers Add(TransferId id, Money amount) => new(_amounts.SetItem(id, amount));

    public PendingTransfers Remove(TransferId id) => new(_amounts.Remove(id));

    public static PendingTransfers From(IEnumerable<KeyValuePair<TransferId, Money>> pending) =>
        new(ImmutableSortedDictionary.CreateRange(TransferIdComparer.Instance, pending));

    public bool Equals(PendingTransfers? other) => other is not null && _amounts.SequenceEqual(other._amounts);

    public override bool Equals(object? obj) => Equals(obj as PendingTransfers);

    public override int GetHashCode() => _amounts.Count;

    private sealed class TransferIdComparer : IComparer<TransferId>
    {
        public static readonly TransferIdComparer Instance = new();

        public int Compare(TransferId x, TransferId y) => x.Value.CompareTo(y.Value);
    }
}
