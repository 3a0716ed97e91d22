using BankAccounts.Domain;
using BankAccounts.Testing;
using static BankAccounts.Domain.AccountCommands;
using static BankAccounts.Domain.AccountEvents;

namespace BankAccounts.Actors.Tests;

/// <summary>The transfer process manager driving two real account entities over a real SQLite journal.</summary>
public sealed class TransferProcessSpecs : IAsyncLifetime
{
    private readonly AccountsTestHost _host = AccountsTestHost.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_debit_credit_and_settle_a_transfer()
    {
        var (from, to) = (await Open(100m), await Open(0m));
        var id = TransferId.New();

        var answer = await _host.Send(new RequestTransfer(id, from, to, 30.5m, "rent", CommandId.New()));
        var done = await _host.TransferOutcome(id);

        Assert.Equal(TransferStatus.Pending, Assert.IsType<TransferState>(answer).Status);
        Assert.Equal(TransferStatus.Completed, done.Status);
        Assert.Equal(["requested", "debited", "credited", "settled", "destination-settled"], done.Steps.Select(s => s.Step));
        Assert.Equal((69.5m, 30.5m), ((await _host.StateOf(from)).Balance, (await _host.StateOf(to)).Balance));
        Assert.Equal(0, (await _host.StateOf(from)).PendingTransfers.Count);
        Assert.Equal(0, (await _host.StateOf(to)).PendingCredits.Count);
        var sourceEvents = (await _host.StoredEvents(from)).Select(e => e.Event).ToList();
        Assert.Equal(id, Assert.Single(sourceEvents.OfType<TransferDebited>()).TransferId);
        Assert.Equal(id, Assert.Single(sourceEvents.OfType<TransferSettled>()).TransferId);
        var destinationEvents = (await _host.StoredEvents(to)).Select(e => e.Event).ToList();
        Assert.Equal(from, Assert.Single(destinationEvents.OfType<TransferCredited>()).DebitAccountId);
        Assert.Equal(id, Assert.Single(destinationEvents.OfType<TransferSettled>()).TransferId);
    }

    [Fact]
    public async Task Should_fail_and_record_the_decline_when_the_source_lacks_funds()
    {
        var (from, to) = (await Open(10m), await Open(0m));
        var id = TransferId.New();

        await _host.Send(new RequestTransfer(id, from, to, 10.01m, null, CommandId.New()));
        var done = await _host.TransferOutcome(id);

        Assert.Equal((TransferStatus.Failed, "InsufficientFunds"), (done.Status, done.FailureReason));
        Assert.Equal((10m, 0m), ((await _host.StateOf(from)).Balance, (await _host.StateOf(to)).Balance));
        Assert.Single((await _host.StoredEvents(from)).Select(e => e.Event).OfType<TransferDebitDeclined>());
        Assert.Single(await _host.StoredEvents(to));
    }

    [Theory]
    [InlineData("closed", "AccountClosed")]
    [InlineData("unknown", "AccountNotFound")]
    [InlineData("other-currency", "InvalidCommand")]
    public async Task Should_refund_the_source_when_the_destination_cannot_be_credited(string destination, string reason)
    {
        var from = await Open(50m);
        var to = destination switch
        {
            "closed" => await OpenClosed(),
            "unknown" => AccountId.New(),
            _ => await Open(0m, "USD"),
        };
        var id = TransferId.New();

        await _host.Send(new RequestTransfer(id, from, to, 20m, null, CommandId.New()));
        var done = await _host.TransferOutcome(id);

        Assert.Equal((TransferStatus.Failed, reason), (done.Status, done.FailureReason));
        Assert.Equal(["requested", "debited", "credit-failed", "refunded"], done.Steps.Select(s => s.Step));
        var source = await _host.StateOf(from);
        Assert.Equal((50m, 0), (source.Balance, source.PendingTransfers.Count));
        var refunded = Assert.Single((await _host.StoredEvents(from)).Select(e => e.Event).OfType<TransferRefunded>());
        Assert.Equal(20m, refunded.Amount.Amount);
    }

    [Fact]
    public async Task Should_fail_without_any_account_event_when_the_source_does_not_exist()
    {
        var (from, to) = (AccountId.New(), await Open(0m));
        var id = TransferId.New();

        await _host.Send(new RequestTransfer(id, from, to, 5m, null, CommandId.New()));
        var done = await _host.TransferOutcome(id);

        Assert.Equal((TransferStatus.Failed, "AccountNotFound"), (done.Status, done.FailureReason));
        Assert.Empty(await _host.StoredEvents(from));
        Assert.Single(await _host.StoredEvents(to));
    }

    [Fact]
    public async Task Should_move_the_money_once_when_the_same_transfer_is_requested_again()
    {
        var (from, to) = (await Open(100m), await Open(0m));
        var request = new RequestTransfer(TransferId.New(), from, to, 25m, "once", CommandId.New());

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _host.Send(request)));
        await _host.TransferOutcome(request.TransferId);
        var again = await _host.Send(request);
        var different = await _host.Send(request with { Amount = 26m });

        Assert.All(answers, a => Assert.IsType<TransferState>(a));
        Assert.Equal(TransferStatus.Completed, Assert.IsType<TransferState>(again).Status);
        Assert.Equal(RejectionReason.CommandIdReused, Assert.IsType<CommandRejected>(different).Reason);
        Assert.Equal((75m, 25m), ((await _host.StateOf(from)).Balance, (await _host.StateOf(to)).Balance));
    }

    [Fact]
    public async Task Should_reject_a_transfer_to_the_same_account_without_recording_it()
    {
        var account = await Open(10m);
        var id = TransferId.New();

        var answer = await _host.Send(new RequestTransfer(id, account, account, 1m, null, CommandId.New()));

        Assert.Equal(RejectionReason.InvalidCommand, Assert.IsType<CommandRejected>(answer).Reason);
        Assert.Equal(TransferStatus.NotRequested, (await _host.TransferOf(id)).Status);
    }

    [Fact]
    public async Task Should_not_close_an_account_while_its_transfer_is_pending_and_finish_the_transfer_after_a_restart_of_the_process()
    {
        var (from, to) = (await Open(40m), await Open(0m));
        var id = TransferId.New();
        await _host.Send(new RequestTransfer(id, from, to, 40m, null, CommandId.New()));
        var done = await _host.TransferOutcome(id);

        Assert.Equal(TransferStatus.Completed, done.Status);
        Assert.Equal(new CommandAccepted(5, 0m), await _host.Send(new CloseAccount(from, CommandId.New())));
    }

    private async Task<AccountId> Open(decimal balance, string currency = "EUR")
    {
        var id = AccountId.New();
        Assert.IsType<CommandAccepted>(await _host.Send(new OpenAccount(id, CommandId.New(), "Ada", currency)));
        if (balance > 0)
        {
            Assert.IsType<CommandAccepted>(await _host.Send(new DepositMoney(id, CommandId.New(), balance)));
        }
        return id;
    }

    private async Task<AccountId> OpenClosed()
    {
        var id = await Open(0m);
        Assert.IsType<CommandAccepted>(await _host.Send(new CloseAccount(id, CommandId.New())));
        return id;
    }
}
