using System.Security.Claims;
using BankAccounts.Domain.Security;

namespace BankAccounts.Api.Security;

/// <summary>The authenticated caller as the domain's <see cref="Principal"/>.</summary>
internal static class CallerExtensions
{
    /// <summary>The caller of an endpoint behind the fallback policy (every endpoint but health and docs).</summary>
    public static Principal Caller(this HttpContext http) =>
        http.User.TryGetPrincipal(out var principal)
            ? principal
            : throw new InvalidOperationException("The request has no valid caller; is the endpoint anonymous?");

    /// <summary>An authenticated user with a valid <c>sub</c> and one of the roles a token may carry.</summary>
    public static bool TryGetPrincipal(this ClaimsPrincipal user, out Principal principal)
    {
        principal = null!;
        if (user.Identity?.IsAuthenticated != true)
        {
            return false;
        }
        var subject = user.FindFirstValue(TokenIssuer.SubjectClaim);
        // A token with several roles is ambiguous: it gets none.
        var roles = user.FindAll(TokenIssuer.RoleClaim).Select(c => c.Value).ToList();
        if (!Principal.IsValidSubject(subject) || roles.Count != 1 || !Principal.TryParseRole(roles[0], out var role))
        {
            return false;
        }
        principal = new Principal(subject!, role, user.FindFirstValue(TokenIssuer.NameClaim));
        return true;
    }
}
