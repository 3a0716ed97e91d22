using System.ComponentModel;
using System.Globalization;

namespace BankAccounts.Api.Http;

/// <summary>
/// A <see cref="DescriptionAttribute"/> whose numbers come from the constants that enforce them, e.g.
/// <c>[DescriptionFormat("1 to {0} characters", Account.MaxOwnerLength)]</c>: an interpolated string with a
/// number is not a constant, so <c>[Description($"…{Account.MaxOwnerLength}…")]</c> does not compile.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class DescriptionFormatAttribute(string format, params object[] values)
    : DescriptionAttribute(string.Format(CultureInfo.InvariantCulture, format, values));
