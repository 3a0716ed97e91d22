namespace BankAccounts.Domain.Tests;

public sealed class RecentCommandsSpecs
{
    private static ProcessedCommand Processed(int n, decimal amount = 1m) =>
        new(new CommandId($"cmd-{n}"), CommandKind.DepositMoney, amount, null, new CommandAccepted(n, n * amount));

    private static RecentCommands Window(int count) =>
        RecentCommands.From(Enumerable.Range(1, count).Select(n => Processed(n)));

    [Fact]
    public void Should_start_empty()
    {
        Assert.Equal(0, RecentCommands.Empty.Count);
        Assert.Empty(RecentCommands.Empty.InOrder);
        Assert.False(RecentCommands.Empty.TryGet(new CommandId("cmd-1"), out _));
    }

    [Fact]
    public void Should_find_a_processed_command_by_its_id()
    {
        var window = RecentCommands.Empty.Add(Processed(1, 5m));

        Assert.True(window.TryGet(new CommandId("cmd-1"), out var found));
        Assert.Equal(Processed(1, 5m), found);
    }

    [Fact]
    public void Should_be_immutable()
    {
        var before = Window(3);

        _ = before.Add(Processed(4));

        Assert.Equal(3, before.Count);
        Assert.False(before.TryGet(new CommandId("cmd-4"), out _));
    }

    [Fact]
    public void Should_hold_exactly_capacity_commands()
    {
        var window = Window(RecentCommands.Capacity);

        Assert.Equal(256, RecentCommands.Capacity);
        Assert.Equal(RecentCommands.Capacity, window.Count);
        Assert.True(window.TryGet(new CommandId("cmd-1"), out _));
    }

    [Fact]
    public void Should_evict_the_oldest_command_when_capacity_is_exceeded()
    {
        var window = Window(RecentCommands.Capacity + 1);

        Assert.Equal(RecentCommands.Capacity, window.Count);
        Assert.False(window.TryGet(new CommandId("cmd-1"), out _));
        Assert.True(window.TryGet(new CommandId("cmd-2"), out _));
        Assert.True(window.TryGet(new CommandId($"cmd-{RecentCommands.Capacity + 1}"), out _));
        Assert.Equal(new CommandId("cmd-2"), window.InOrder.First().CommandId);
    }

    [Fact]
    public void Should_keep_only_the_newest_capacity_commands_in_order()
    {
        var window = Window(600);

        Assert.Equal(
            Enumerable.Range(600 - RecentCommands.Capacity + 1, RecentCommands.Capacity).Select(n => new CommandId($"cmd-{n}")),
            window.InOrder.Select(p => p.CommandId));
    }

    [Fact]
    public void Should_replace_the_outcome_of_a_known_id_without_moving_or_counting_it()
    {
        var updated = new ProcessedCommand(new CommandId("cmd-1"), CommandKind.DepositMoney, 1m, null, new CommandAccepted(99L, 99m));

        var window = Window(3).Add(updated);

        Assert.Equal(3, window.Count);
        Assert.Equal(["cmd-1", "cmd-2", "cmd-3"], window.InOrder.Select(p => p.CommandId.Value));
        Assert.True(window.TryGet(new CommandId("cmd-1"), out var found));
        Assert.Equal(new CommandAccepted(99L, 99m), found.Outcome);
    }

    [Fact]
    public void Should_round_trip_through_its_ordered_contents()
    {
        var original = Window(RecentCommands.Capacity + 10);

        var restored = RecentCommands.From(original.InOrder);

        Assert.Equal(original.Count, restored.Count);
        Assert.Equal(original.InOrder, restored.InOrder);
        // Eviction order survives too: the next add evicts the same command from both.
        Assert.Equal(original.Add(Processed(1000)).InOrder, restored.Add(Processed(1000)).InOrder);
    }

    [Fact]
    public void Should_round_trip_the_window_an_account_rebuilt_from_events()
    {
        var state = Account.Replay(AccountSpec.Id,
        [
            AccountSpec.Opened(overdraft: 10m), AccountSpec.Deposited(5m), AccountSpec.DeclinedWithdrawal(100m, 15m), AccountSpec.DeclinedClosure(5m),
        ]).AsOpened();

        var restored = RecentCommands.From(state.RecentCommands.InOrder);

        Assert.Equal(4, restored.Count);
        Assert.Equal(state.RecentCommands.InOrder, restored.InOrder);
        Assert.Equal(
            [CommandKind.OpenAccount, CommandKind.DepositMoney, CommandKind.WithdrawMoney, CommandKind.CloseAccount],
            restored.InOrder.Select(p => p.Kind));
    }
}
