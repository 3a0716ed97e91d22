using System.Globalization;
using CsvHelper;

namespace BankAccounts.Api.Contracts;

/// <summary>
/// A statement as RFC 4180 CSV (CsvHelper does the quoting), with the JSON's content: a header, an
/// <c>opening</c> row (the opening balance at <c>from</c>), one <c>entry</c> row per entry, and a
/// <c>closing</c> row (the closing balance at <c>to</c>, totals in and out, the closing version and the
/// chain head). Every row names the account and currency; numbers and instants are written as in the JSON.
/// </summary>
public static class StatementCsv
{
    public const string ContentType = "text/csv";

    public static readonly string[] Header =
        ["kind", "accountId", "currency", "version", "occurredAt", "eventType", "declined", "amount", "balance", "reference", "transferId", "eventHash", "totalIn", "totalOut"];

    public static string Write(StatementResponse statement)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        // The defaults are RFC 4180: comma, CRLF, quotes where needed, the same field count on every record.
        using (var csv = CsvWriter.Create(text, options: null, leaveOpen: true))
        {
            csv.WriteHeader(Header);
            Row(csv, statement, "opening", null, statement.From, null, null, null, statement.OpeningBalance, null, null, null, null, null);
            foreach (var entry in statement.Entries)
            {
                Row(csv, statement, "entry", entry.Version, entry.OccurredAt, entry.EventType, entry.Declined, entry.Amount, entry.BalanceAfter,
                    entry.Reference, entry.TransferId, entry.EventHash, null, null);
            }
            Row(csv, statement, "closing", statement.ClosingVersion, statement.To, null, null, null, statement.ClosingBalance,
                null, null, statement.ChainHead, statement.TotalIn, statement.TotalOut);
            csv.Flush();
        }
        return text.ToString();
    }

    /// <summary>An instant as the JSON writes it (round-trip, with its offset).</summary>
    public static string Instant(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static void Row(
        CsvWriter csv, StatementResponse statement, string kind, long? version, DateTimeOffset occurredAt, string? eventType, bool? declined,
        decimal? amount, decimal balance, string? reference, Guid? transferId, string? eventHash, decimal? totalIn, decimal? totalOut)
    {
        csv.WriteRecord(
        [
            kind,
            statement.AccountId.ToString(),
            statement.Currency,
            version?.ToString(CultureInfo.InvariantCulture),
            Instant(occurredAt),
            eventType,
            declined is { } d ? (d ? "true" : "false") : null,
            Number(amount),
            Number(balance),
            SafeText(reference),
            transferId?.ToString(),
            eventHash,
            Number(totalIn),
            Number(totalOut),
        ]);
    }

    private static string? Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Free text someone else chose (a transfer's sender writes the reference the recipient reads) must not
    /// run as a spreadsheet formula: a cell starting with = + - @ tab or CR gets a leading apostrophe, which
    /// spreadsheets show as text (OWASP CSV injection). Numbers are ours and never escaped.
    /// </summary>
    public static string? SafeText(string? text) =>
        text is [('=' or '+' or '-' or '@' or '\t' or '\r'), ..] ? "'" + text : text;
}
