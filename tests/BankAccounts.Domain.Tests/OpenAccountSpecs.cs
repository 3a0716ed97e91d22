using System.Globalization;
using static BankAccounts.Domain.AccountEvents;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

public sealed class OpenAccountSpecs
{
    [Fact]
    public void Should_open_account_with_owner_currency_and_overdraft()
    {
        var command = Open(owner: "Ada Lovelace", currency: "USD", overdraft: 250m);

        var then = Given().When(command);

        var opened = then.ThenEmits<AccountOpened>();
        Assert.Equal(Id, opened.AccountId);
        Assert.Equal("Ada Lovelace", opened.Owner);
        Assert.Equal(Currency.USD, opened.Currency);
        Assert.Equal(250m, opened.OverdraftLimit);
        Assert.Equal(command.CommandId, opened.CommandId);

        var accepted = then.ThenAccepted();
        Assert.Equal(1L, accepted.Version);
        Assert.Equal(0m, accepted.Balance);
        Assert.Equal(new AccountOpening("Ada Lovelace", Currency.USD, 250m), accepted.Opening);

        var state = then.Decision.NewState.AsOpened();
        Assert.Equal(AccountStatus.Open, state.Status);
        Assert.Equal("Ada Lovelace", state.Owner);
        Assert.Equal(Currency.USD, state.Currency);
        Assert.Equal(250m, state.OverdraftLimit);
        Assert.Equal(250m, state.Available);
        Assert.Equal(Now, state.OpenedAt);
        Assert.Equal(Now, state.UpdatedAt);
    }

    [Fact]
    public void Should_answer_an_opening_and_its_retry_after_later_commands_with_the_terms_the_account_stored()
    {
        var key = new CommandId("open-grace");
        var first = Given().When(Open(owner: "  Grace Hopper ", currency: "JPY", overdraft: 100m, id: key));
        var original = first.ThenAccepted();
        var later = first.Continue().When(Deposit(5m, currency: "JPY"));

        var retry = later.Continue().When(Open(owner: "  Grace Hopper ", currency: "JPY", overdraft: 100m, id: key));

        Assert.Equal(new AccountOpening("Grace Hopper", Currency.JPY, 100m), original.Opening);
        retry.ThenRepeats(original);
    }

    [Fact]
    public void Should_answer_other_commands_without_opening_terms()
    {
        var accepted = Given(Opened()).When(Deposit(5m)).ThenAccepted();

        Assert.Null(accepted.Opening);
    }

    [Fact]
    public void Should_trim_the_owner_name()
    {
        var opened = Given().When(Open(owner: "  \tGrace Hopper \n")).ThenEmits<AccountOpened>();

        Assert.Equal("Grace Hopper", opened.Owner);
    }

    [Fact]
    public void Should_accept_owner_of_exactly_the_maximum_length_after_trimming()
    {
        var owner = new string('a', Account.MaxOwnerLength);

        var opened = Given().When(Open(owner: "  " + owner + "  ")).ThenEmits<AccountOpened>();

        Assert.Equal(owner, opened.Owner);
    }

    [Fact]
    public void Should_normalize_the_overdraft_limit_to_the_currency_scale()
    {
        var opened = Given().When(Open(currency: "EUR", overdraft: 100.250m)).ThenEmits<AccountOpened>();

        // decimal equality ignores scale, so compare the text to see the trailing zero is gone.
        Assert.Equal("100.25", opened.OverdraftLimit.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Should_accept_an_overdraft_of_exactly_the_maximum_operation_amount()
    {
        var opened = Given().When(Open(overdraft: Money.MaxOperationAmount)).ThenEmits<AccountOpened>();

        Assert.Equal(1_000_000_000m, opened.OverdraftLimit);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t \r\n")]
    public void Should_reject_an_empty_or_blank_owner(string owner)
    {
        var rejected = Given().When(Open(owner: owner)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("'owner'", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_a_null_owner()
    {
        Given().When(Open(owner: null!)).ThenRejects(RejectionReason.InvalidCommand);
    }

    [Fact]
    public void Should_reject_an_owner_longer_than_the_maximum()
    {
        var rejected = Given().When(Open(owner: new string('a', Account.MaxOwnerLength + 1))).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("at most 200", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Ada\u0000Lovelace")]
    [InlineData("Ada\nLovelace")]
    [InlineData("Ada\u001bLovelace")]
    [InlineData("Ada\u007fLovelace")]
    public void Should_reject_an_owner_with_control_characters(string owner)
    {
        var rejected = Given().When(Open(owner: owner)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("control characters", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("eur")]
    [InlineData("Eur")]
    [InlineData("")]
    [InlineData(" EUR")]
    public void Should_reject_an_unknown_currency(string currency)
    {
        var rejected = Given().When(Open(currency: currency)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("'currency'", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_a_negative_overdraft()
    {
        var rejected = Given().When(Open(overdraft: -0.01m)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("'overdraftLimit' must not be negative", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("EUR", "10.005")]
    [InlineData("JPY", "100.5")]
    [InlineData("KWD", "1.0005")]
    public void Should_reject_an_overdraft_with_more_decimals_than_the_currency_allows(string currency, string overdraft)
    {
        var command = Open(currency: currency, overdraft: decimal.Parse(overdraft, CultureInfo.InvariantCulture));

        var rejected = Given().When(command).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("more decimals", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_an_overdraft_above_the_maximum_operation_amount()
    {
        var rejected = Given().When(Open(overdraft: Money.MaxOperationAmount + 0.01m)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("must not exceed", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_report_every_invalid_field_at_once()
    {
        var rejected = Given().When(Open(owner: " ", overdraft: -1m)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Equal(2, rejected.Errors.Count);
    }

    [Fact]
    public void Should_reject_opening_an_account_that_already_exists()
    {
        Given(Opened()).When(Open()).ThenRejects(RejectionReason.AccountAlreadyExists);
    }

    [Fact]
    public void Should_reject_opening_an_account_that_was_closed()
    {
        Given(Opened(), Closed()).When(Open()).ThenRejects(RejectionReason.AccountAlreadyExists);
    }
}
