using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

public sealed class AddressingSpecs
{
    /// <summary>A command type the decider does not know, to prove it is refused rather than ignored.</summary>
    private sealed record FreezeAccount(AccountId AccountId, CommandId CommandId) : AccountCommand(AccountId, CommandId, null);

    [Theory]
    [InlineData("open")]
    [InlineData("deposit")]
    [InlineData("withdraw")]
    [InlineData("close")]
    public void Should_reject_a_command_addressed_to_another_account(string kind)
    {
        AccountCommand command = kind switch
        {
            "open" => Open() with { AccountId = OtherId },
            "deposit" => Deposit(10m) with { AccountId = OtherId },
            "withdraw" => Withdraw(10m) with { AccountId = OtherId },
            _ => Close() with { AccountId = OtherId },
        };

        var rejected = Given(Opened(), Deposited(100m)).When(command).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains(OtherId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_a_misaddressed_command_even_if_its_id_is_known_here()
    {
        var id = new CommandId("deposit-1");

        var then = Given(Opened(), Deposited(10m, id: id)).When(Deposit(10m, id: id) with { AccountId = OtherId });

        then.ThenRejects(RejectionReason.InvalidCommand);
    }

    [Fact]
    public void Should_reject_an_unknown_command_type()
    {
        var rejected = Given(Opened()).When(new FreezeAccount(Id, CommandId.New())).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains(nameof(FreezeAccount), StringComparison.Ordinal));
    }
}
