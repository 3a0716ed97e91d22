using System.Globalization;

namespace BankAccounts.Domain.Tests;

public sealed class AccountIdSpecs
{
    [Fact]
    public void Should_derive_the_same_id_from_the_same_key()
    {
        Assert.Equal(AccountId.DeriveFrom("order-42"), AccountId.DeriveFrom("order-42"));
    }

    [Fact]
    public void Should_derive_a_stable_id_across_releases()
    {
        // Retried openings must keep addressing the account created by the first attempt.
        Assert.Equal("f5bab7fa-1ba1-50a1-82c5-8e1c99a15905", AccountId.DeriveFrom("order-42").ToString());
    }

    [Theory]
    [InlineData("order-42", "order-43")]
    [InlineData("order-42", "Order-42")]
    [InlineData("a", "")]
    public void Should_derive_different_ids_from_different_keys(string key, string other)
    {
        Assert.NotEqual(AccountId.DeriveFrom(key), AccountId.DeriveFrom(other));
    }

    [Fact]
    public void Should_derive_a_name_based_rfc_4122_guid()
    {
        var text = AccountId.DeriveFrom("any key").ToString();

        Assert.Equal('5', text[14]);
        Assert.Contains(text[19], "89ab");
        Assert.NotEqual(Guid.Empty, AccountId.DeriveFrom("any key").Value);
    }

    [Fact]
    public void Should_parse_what_it_prints()
    {
        var id = AccountId.New();

        Assert.True(AccountId.TryParse(id.ToString(), out var parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-guid")]
    [InlineData("f5bab7fa-1ba1-50a1-82c5-8e1c99a1590")]
    [InlineData("")]
    [InlineData(null)]
    public void Should_refuse_to_parse_an_empty_or_malformed_id(string? text)
    {
        Assert.False(AccountId.TryParse(text, out var id));
        Assert.Equal(default, id);
    }

    [Fact]
    public void Should_print_the_hyphenated_lower_case_form()
    {
        var id = new AccountId(Guid.Parse("F5BAB7FA1BA150A182C58E1C99A15905"));

        Assert.Equal("f5bab7fa-1ba1-50a1-82c5-8e1c99a15905", id.ToString());
    }
}

public sealed class CommandIdSpecs
{
    [Theory]
    [InlineData("a")]
    [InlineData("0b7f3c2e-9a41-4e1a-bb1d-7f3a2c9d8e10")]
    [InlineData("order:42/retry#1")]
    [InlineData("!~")]
    public void Should_accept_printable_ascii_without_spaces(string value)
    {
        Assert.True(CommandId.IsValid(value));
    }

    [Fact]
    public void Should_accept_exactly_the_maximum_length()
    {
        Assert.True(CommandId.IsValid(new string('k', CommandId.MaxLength)));
        Assert.False(CommandId.IsValid(new string('k', CommandId.MaxLength + 1)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("tab\tinside")]
    [InlineData("line\n")]
    [InlineData("caf\u00e9")]
    [InlineData("del\u007f")]
    public void Should_reject_blank_spaced_control_or_non_ascii_values(string? value)
    {
        Assert.False(CommandId.IsValid(value));
    }

    [Fact]
    public void Should_generate_valid_distinct_ids()
    {
        var first = CommandId.New();
        var second = CommandId.New();

        Assert.True(CommandId.IsValid(first.Value));
        Assert.NotEqual(first, second);
        Assert.Equal(first.Value, first.ToString());
    }
}

public sealed class CurrencySpecs
{
    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("USD", 2)]
    [InlineData("GBP", 2)]
    [InlineData("CHF", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KWD", 3)]
    public void Should_find_a_supported_currency_with_its_minor_units(string code, int minorUnits)
    {
        Assert.True(Currency.TryFind(code, out var currency));
        Assert.Equal(code, currency.Code);
        Assert.Equal(minorUnits, currency.MinorUnits);
        Assert.Same(currency, Currency.Find(code));
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("XYZ")]
    [InlineData("EURO")]
    [InlineData("")]
    [InlineData(null)]
    public void Should_not_find_an_unknown_or_lower_case_code(string? code)
    {
        Assert.False(Currency.TryFind(code, out _));
    }

    [Fact]
    public void Should_throw_when_finding_an_unknown_code_strictly()
    {
        var error = Assert.Throws<ArgumentException>(() => Currency.Find("XYZ"));

        Assert.Contains("XYZ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_list_every_supported_code()
    {
        Assert.Equal(
            ["AUD", "CAD", "CHF", "DKK", "EUR", "GBP", "JPY", "KWD", "NOK", "SEK", "USD"],
            Currency.SupportedCodes.Order(StringComparer.Ordinal));
    }
}

public sealed class MoneySpecs
{
    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("100.250", "EUR", "100.25")]
    [InlineData("100.25", "EUR", "100.25")]
    [InlineData("1000.0", "JPY", "1000")]
    [InlineData("1.2340", "KWD", "1.234")]
    [InlineData("0.125", "EUR", "0.12")] // banker's rounding: to even
    [InlineData("0.135", "EUR", "0.14")]
    [InlineData("2.5", "JPY", "2")]
    public void Should_normalize_an_amount_to_the_currency_scale(string amount, string currency, string expected)
    {
        var normalized = Money.Normalize(D(amount), Currency.Find(currency));

        Assert.Equal(expected, normalized.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("0.01", "EUR")]
    [InlineData("1000000000", "EUR")]
    [InlineData("1000000000.00", "USD")]
    [InlineData("7", "JPY")]
    [InlineData("0.001", "KWD")]
    public void Should_find_no_error_in_a_valid_positive_amount(string amount, string currency)
    {
        Assert.Empty(FieldRules.PositiveAmount(D(amount), Currency.Find(currency)));
    }

    [Theory]
    [InlineData("0", "EUR", "greater than zero", FieldErrorCodes.NotPositive)]
    [InlineData("-5", "EUR", "greater than zero", FieldErrorCodes.NotPositive)]
    [InlineData("1000000000.01", "EUR", "must not exceed", FieldErrorCodes.TooLarge)]
    [InlineData("0.001", "EUR", "more decimals", FieldErrorCodes.TooManyDecimals)]
    [InlineData("0.5", "JPY", "more decimals", FieldErrorCodes.TooManyDecimals)]
    public void Should_explain_why_a_positive_amount_is_invalid(string amount, string currency, string error, string code)
    {
        var errors = FieldRules.PositiveAmount(D(amount), Currency.Find(currency)).ToList();

        Assert.Contains(errors, e => e.Field == "amount" && e.Code == code && e.Message.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_allow_zero_but_not_a_negative_amount_where_non_negative_is_required()
    {
        Assert.Empty(FieldRules.NonNegativeAmount(0m, Currency.EUR, "overdraftLimit"));
        Assert.Equal(
            [new FieldError("overdraftLimit", FieldErrorCodes.Negative, "'overdraftLimit' must not be negative.")],
            FieldRules.NonNegativeAmount(-0.01m, Currency.EUR, "overdraftLimit"));
    }

    [Fact]
    public void Should_report_both_bound_and_scale_errors_together()
    {
        Assert.Equal(2, FieldRules.PositiveAmount(1_000_000_000.001m, Currency.EUR).Count());
    }

    [Fact]
    public void Should_print_amount_and_currency_code()
    {
        Assert.Equal("12.50 EUR", new Money(12.50m, Currency.EUR).ToString());
        Assert.Equal(new Money(0m, Currency.JPY), Money.Zero(Currency.JPY));
    }
}
