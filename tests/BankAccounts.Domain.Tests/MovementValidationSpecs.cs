using System.Globalization;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

/// <summary>
/// Input rules shared by deposits and withdrawals; <see cref="DepositSpecs"/> and
/// <see cref="WithdrawalSpecs"/> each run all of them for their own command.
/// </summary>
public abstract class MovementValidationSpecs
{
    protected abstract AccountCommand Move(decimal amount, string? currency = null, string? reference = null);

    /// <summary>An open account in <paramref name="currency"/> on which a movement of up to 1000 succeeds.</summary>
    protected abstract GivenHistory Funded(string currency = "EUR");

    /// <summary>The amount and reference of the single money event the movement emitted.</summary>
    protected abstract (Money Amount, string? Reference) Moved(ThenDecision then);

    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0")]
    [InlineData("0.00")]
    [InlineData("-0.01")]
    [InlineData("-100")]
    public void Should_reject_an_amount_that_is_not_positive(string amount)
    {
        var rejected = Funded().When(Move(D(amount))).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("'amount' must be greater than zero.", rejected.Messages());
    }

    [Fact]
    public void Should_reject_an_amount_above_the_maximum_operation_amount()
    {
        var rejected = Funded().When(Move(Money.MaxOperationAmount + 0.01m)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains("must not exceed 1000000000", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("EUR", "10.001")]
    [InlineData("USD", "0.005")]
    [InlineData("JPY", "10.5")]
    [InlineData("JPY", "0.1")]
    [InlineData("KWD", "1.0001")]
    public void Should_reject_an_amount_with_more_decimals_than_the_currency_allows(string currency, string amount)
    {
        var rejected = Funded(currency).When(Move(D(amount))).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.Contains($"more decimals than {currency} allows", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("EUR", "10.01")]
    [InlineData("JPY", "10")]
    [InlineData("KWD", "1.001")]
    public void Should_accept_an_amount_with_exactly_the_decimals_the_currency_allows(string currency, string amount)
    {
        var moved = Moved(Funded(currency).When(Move(D(amount))));

        Assert.Equal(new Money(D(amount), Currency.Find(currency)), moved.Amount);
    }

    [Theory]
    [InlineData("EUR", "100.250", "100.25")]
    [InlineData("EUR", "7.000", "7.00")]
    [InlineData("JPY", "500.00", "500")]
    [InlineData("KWD", "2.5000", "2.500")]
    public void Should_accept_trailing_zeros_and_record_the_normalized_amount(string currency, string amount, string recorded)
    {
        var moved = Moved(Funded(currency).When(Move(D(amount))));

        // decimal equality ignores scale; the text shows the stored scale.
        Assert.Equal(recorded, moved.Amount.Amount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(Currency.Find(currency), moved.Amount.Currency);
    }

    [Fact]
    public void Should_accept_the_account_currency_when_given_explicitly()
    {
        var moved = Moved(Funded("USD").When(Move(10m, currency: "USD")));

        Assert.Equal(new Money(10m, Currency.USD), moved.Amount);
    }

    [Fact]
    public void Should_reject_a_currency_other_than_the_account_currency()
    {
        var rejected = Funded("EUR").When(Move(10m, currency: "USD")).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("'currency' USD does not match the account currency EUR.", rejected.Messages());
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("eur")]
    [InlineData("")]
    public void Should_reject_an_unknown_currency(string currency)
    {
        var rejected = Funded("EUR").When(Move(10m, currency: currency)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains(rejected.Messages(), e => e.StartsWith("'currency' must be one of", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_reject_a_reference_longer_than_the_maximum()
    {
        var reference = new string('r', Account.MaxReferenceLength + 1);

        var rejected = Funded().When(Move(10m, reference: reference)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("'reference' must be at most 140 characters.", rejected.Messages());
    }

    [Fact]
    public void Should_accept_a_reference_of_exactly_the_maximum_length()
    {
        var reference = new string('r', Account.MaxReferenceLength);

        var moved = Moved(Funded().When(Move(10m, reference: reference)));

        Assert.Equal(reference, moved.Reference);
    }

    [Theory]
    [InlineData("invoice\n42")]
    [InlineData("invoice\u000042")]
    [InlineData("invoice\u001b42")]
    public void Should_reject_a_reference_with_control_characters(string reference)
    {
        var rejected = Funded().When(Move(10m, reference: reference)).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Contains("'reference' must not contain control characters.", rejected.Messages());
    }

    [Theory]
    [InlineData("  invoice 42  ", "invoice 42")]
    [InlineData("   ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Should_record_the_trimmed_reference_or_none(string? reference, string? recorded)
    {
        var moved = Moved(Funded().When(Move(10m, reference: reference)));

        Assert.Equal(recorded, moved.Reference);
    }

    [Fact]
    public void Should_report_every_malformed_field_at_once()
    {
        var rejected = Funded().When(Move(-1m, currency: "XYZ", reference: "a\tb")).ThenRejects(RejectionReason.InvalidCommand);

        Assert.Equal(3, rejected.Errors.Count);
    }

    [Fact]
    public void Should_reject_a_movement_on_an_account_that_was_never_opened()
    {
        var rejected = Given().When(Move(10m)).ThenRejects(RejectionReason.AccountNotFound);

        Assert.Equal(0L, rejected.CurrentVersion);
    }

    [Fact]
    public void Should_reject_a_movement_on_a_closed_account()
    {
        var rejected = Given(Opened(), Closed()).When(Move(10m)).ThenRejects(RejectionReason.AccountClosed);

        Assert.Equal(2L, rejected.CurrentVersion);
    }

    [Fact]
    public void Should_reject_malformed_input_before_looking_at_the_account()
    {
        // Malformed input is reported even when the account does not exist.
        Given().When(Move(0m)).ThenRejects(RejectionReason.InvalidCommand);
    }
}
