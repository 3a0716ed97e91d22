using System.Collections.Immutable;

namespace BankAccounts.Domain;

public enum CommandKind
{
    OpenAccount = 1,
    DepositMoney = 2,
    WithdrawMoney = 3,
    CloseAccount = 4,
    DebitForTransfer = 5,
    CreditFromTransfer = 6,
    SettleTransfer = 7,
    RefundTransfer = 8,
}

/// <summary>
/// A command the account has processed, with the outcome it got. <see cref="Amount"/> (the
/// money amount, or the overdraft limit for an opening) and <see cref="Details"/> (owner and
/// currency of an opening, reference of a movement) tell a reused command id with a different
/// request apart from a genuine retry.
/// </summary>
public sealed record ProcessedCommand(CommandId CommandId, CommandKind Kind, decimal Amount, string? Details, CommandOutcome Outcome);

/// <summary>
/// The idempotency window: the last <see cref="Capacity"/> commands an account processed, oldest
/// first. It is part of the state (rebuilt from events, kept in snapshots), so a retried command
/// is recognised after a restart too. A retry that arrives after <see cref="Capacity"/> newer
/// commands on the same account is no longer recognised.
/// </summary>
public sealed class RecentCommands : IEquatable<RecentCommands>
{
    public const int Capacity = 256;

    public static readonly RecentCommands Empty = new(ImmutableDictionary<CommandId, ProcessedCommand>.Empty, ImmutableQueue<CommandId>.Empty, 0);

    private readonly ImmutableDictionary<CommandId, ProcessedCommand> _byId;
    private readonly ImmutableQueue<CommandId> _order;

    private RecentCommands(ImmutableDictionary<CommandId, ProcessedCommand> byId, ImmutableQueue<CommandId> order, int count)
    {
        _byId = byId;
        _order = order;
        Count = count;
    }

    public int Count { get; }

    public bool TryGet(CommandId id, out ProcessedCommand processed) => _byId.TryGetValue(id, out processed!);

    /// <summary>Oldest first, as they must be restored.</summary>
    public IEnumerable<ProcessedCommand> InOrder => _order.Select(id => _byId[id]);

    public RecentCommands Add(ProcessedCommand processed)
    {
        if (_byId.ContainsKey(processed.CommandId))
        {
            // A command that produced several events keeps the outcome of its last one.
            return new RecentCommands(_byId.SetItem(processed.CommandId, processed), _order, Count);
        }
        var byId = _byId.Add(processed.CommandId, processed);
        var order = _order.Enqueue(processed.CommandId);
        var count = Count + 1;
        if (count > Capacity)
        {
            order = order.Dequeue(out var evicted);
            byId = byId.Remove(evicted);
            count--;
        }
        return new RecentCommands(byId, order, count);
    }

    public static RecentCommands From(IEnumerable<ProcessedCommand> oldestFirst) =>
        oldestFirst.Aggregate(Empty, (window, processed) => window.Add(processed));

    /// <summary>Two windows are equal when they hold the same commands in the same order.</summary>
    public bool Equals(RecentCommands? other) => other is not null && Count == other.Count && InOrder.SequenceEqual(other.InOrder);

    public override bool Equals(object? obj) => Equals(obj as RecentCommands);

    public override int GetHashCode() => Count;
}
