using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace BankAccounts.Domain;

/// <summary>An ISO 4217 currency with the number of decimals (minor units) it allows.</summary>
public sealed record Currency
{
    public static readonly Currency EUR = new("EUR", 2);
    public static readonly Currency USD = new("USD", 2);
    public static readonly Currency GBP = new("GBP", 2);
    public static readonly Currency CHF = new("CHF", 2);
    public static readonly Currency JPY = new("JPY", 0);
    public static readonly Currency SEK = new("SEK", 2);
    public static readonly Currency NOK = new("NOK", 2);
    public static readonly Currency DKK = new("DKK", 2);
    public static readonly Currency CAD = new("CAD", 2);
    public static readonly Currency AUD = new("AUD", 2);
    public static readonly Currency KWD = new("KWD", 3);

    private static readonly FrozenDictionary<string, Currency> Known =
        new[] { EUR, USD, GBP, CHF, JPY, SEK, NOK, DKK, CAD, AUD, KWD }
            .ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    private Currency(string code, int minorUnits)
    {
        Code = code;
        MinorUnits = minorUnits;
    }

    public string Code { get; }

    public int MinorUnits { get; }

    public static IReadOnlyCollection<string> SupportedCodes => Known.Keys;

    /// <summary>Codes are matched exactly (upper case), as ISO 4217 writes them.</summary>
    public static bool TryFind(string? code, [NotNullWhen(true)] out Currency? currency)
    {
        currency = null;
        return code is not null && Known.TryGetValue(code, out currency);
    }

    public static Currency Find(string code) =>
        TryFind(code, out var currency) ? currency : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    public override string ToString() => Code;
}
