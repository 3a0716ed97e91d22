using Akka.Actor;
using BankAccounts.Domain;
using BankAccounts.Testing;
using static BankAccounts.Domain.AccountCommands;

namespace BankAccounts.Actors.Tests;

/// <summary>The idle timer of sharding unloads accounts by itself, and they come back intact.</summary>
public sealed class PassivationSpecs
{
    [Fact]
    public async Task Should_unload_an_account_idle_for_PassivateIdleAfter_and_recover_it_on_the_next_command()
    {
        await using var host = AccountsTestHost.Start(configure: o => o.Accounts.PassivateIdleAfter = TimeSpan.FromSeconds(1));
        var id = AccountId.New();
        await host.Send(new OpenAccount(id, CommandId.New(), "Ada", "EUR"));
        await host.Send(new DepositMoney(id, CommandId.New(), 12.5m));
        Assert.Equal(1, await host.ActiveAccountCount());

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await host.ActiveAccountCount() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The idle account was never passivated.");
            await Task.Delay(100);
        }

        Assert.Equal(new CommandAccepted(3, 20m), await host.Send(new DepositMoney(id, CommandId.New(), 7.5m)));
    }
}
