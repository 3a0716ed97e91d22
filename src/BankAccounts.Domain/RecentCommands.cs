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
/// is recognised after a restart too. Older commands are kept by the command history (an indexed
/// store the entity consults on a miss, <see cref="Account.NeedsHistoryLookup"/>) for the configured
/// retention, so a key is honoured for that long whatever the traffic on the account;
/// <see cref="ForgottenThrough"/> says from which version on the window alone is not the whole truth.
/// </summary>
public sealed class RecentCommands : IEquatable<RecentCommands>
{
    public const int Capacity = 256;

    public static readonly RecentCommands Empty = new(ImmutableDictionary<CommandId, ProcessedCommand>.Empty, ImmutableQueue<CommandId>.Empty, 0, 0L);

    private readonly ImmutableDictionary<CommandId, ProcessedCommand> _byId;
    private readonly ImmutableQueue<CommandId> _order;

    private RecentCommands(ImmutableDictionary<CommandId, ProcessedCommand> byId, ImmutableQueue<CommandId> order, int count, long forgottenThrough)
    {
        _byId = byId;
        _order = order;
        Count = count;
        ForgottenThrough = forgottenThrough;
    }

    public int Count { get; }

    /// <summary>The account version of the newest command this window has let go of (0: none yet).</summary>
    public long ForgottenThrough { get; }

    public bool TryGet(CommandId id, out ProcessedCommand processed) => _byId.TryGetValue(id, out processed!);

    /// <summary>Oldest first, as they must be restored.</summary>
    public IEnumerable<ProcessedCommand> InOrder => _order.Select(id => _byId[id]);

    public RecentCommands Add(ProcessedCommand processed)
    {
        if (_byId.ContainsKey(processed.CommandId))
        {
            // A command that produced several events keeps the outcome of its last one.
            return new RecentCommands(_byId.SetItem(processed.CommandId, processed), _order, Count, ForgottenThrough);
        }
        var byId = _byId.Add(processed.CommandId, processed);
        var order = _order.Enqueue(processed.CommandId);
        var count = Count + 1;
        var forgottenThrough = ForgottenThrough;
        if (count > Capacity)
        {
            order = order.Dequeue(out var evicted);
            forgottenThrough = Math.Max(forgottenThrough, VersionOf(byId[evicted].Outcome));
            byId = byId.Remove(evicted);
            count--;
        }
        return new RecentCommands(byId, order, count, forgottenThrough);
    }

    public static RecentCommands From(IEnumerable<ProcessedCommand> oldestFirst, long forgottenThrough = 0L) =>
        oldestFirst.Aggregate(
            new RecentCommands(Empty._byId, Empty._order, 0, forgottenThrough),
            (window, processed) => window.Add(processed));

    private static long VersionOf(CommandOutcome outcome) => outcome switch
    {
        CommandAccepted accepted => accepted.Version,
        CommandDeclined declined => declined.Version,
        _ => 0L,
    };

    /// <summary>Two windows are equal when they hold the same commands in the same order and forgot as much.</summary>
    public bool Equals(RecentCommands? other) =>
        other is not null && Count == other.Count && ForgottenThrough == other.ForgottenThrough && InOrder.SequenceEqual(other.InOrder);

    public override bool Equals(object? obj) => Equals(obj as RecentCommands);

    public override int GetHashCode() => Count;
}
