using BankAccounts.Api.Http;

namespace BankAccounts.Api.Tests;

/// <summary>Waiting reads are bounded per caller and per node, and every slot comes back.</summary>
public sealed class ReadYourWritesGateSpecs
{
    [Fact]
    public void Should_refuse_a_callers_wait_beyond_its_share_but_not_another_callers()
    {
        var gate = new ReadYourWritesGate();
        var held = Enumerable.Range(0, ReadYourWritesGate.MaxConcurrentWaitsPerCaller).Select(_ => gate.TryEnter("mallory")).ToList();

        Assert.All(held, Assert.NotNull);
        Assert.Null(gate.TryEnter("mallory"));
        using (var other = gate.TryEnter("ada"))
        {
            Assert.NotNull(other);
        }

        held[0]!.Dispose();
        held[0]!.Dispose(); // twice releases once
        using var again = gate.TryEnter("mallory");
        Assert.NotNull(again);
        Assert.Null(gate.TryEnter("mallory"));
    }

    [Fact]
    public void Should_refuse_any_wait_once_the_node_bound_is_reached()
    {
        var gate = new ReadYourWritesGate();
        var held = Enumerable.Range(0, ReadYourWritesGate.MaxConcurrentWaits)
            .Select(i => gate.TryEnter($"caller-{i % (ReadYourWritesGate.MaxConcurrentWaits / ReadYourWritesGate.MaxConcurrentWaitsPerCaller)}"))
            .ToList();

        Assert.All(held, Assert.NotNull);
        Assert.Null(gate.TryEnter("someone-new"));
        held.ForEach(slot => slot!.Dispose());
        using var afterwards = gate.TryEnter("someone-new");
        Assert.NotNull(afterwards);
    }
}
