using BankAccounts.Api.Contracts;

namespace BankAccounts.Api.Tests;

public sealed class StatementCsvSpecs
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil/\",\"Refund\")")]
    [InlineData("+1+1")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    public void Should_keep_a_reference_a_spreadsheet_would_run_as_a_formula_as_text(string reference)
    {
        Assert.Equal("'" + reference, StatementCsv.SafeText(reference));
    }

    [Theory]
    [InlineData("rent, \"March\"")]
    [InlineData("salary 2026-11")]
    [InlineData("")]
    [InlineData(null)]
    public void Should_leave_ordinary_references_untouched(string? reference)
    {
        Assert.Equal(reference, StatementCsv.SafeText(reference));
    }
}
