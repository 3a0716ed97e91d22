using BankAccounts.Domain.Security;
using Microsoft.AspNetCore.Authorization;

namespace BankAccounts.Api.Security;

/// <summary>
/// Edge-level access by role. Every endpoint without a policy of its own falls back to
/// <see cref="AnyCaller"/>; who may act on which account is the domain's decision, not these.
/// </summary>
public static class AccessPolicies
{
    /// <summary>Operating the system: projections, cluster.</summary>
    public const string Admin = "admin";

    /// <summary>Reading the whole ledger: integrity.</summary>
    public const string Auditing = "auditing";

    public static AuthorizationPolicy AnyCaller { get; } = Callers(Role.Customer, Role.Teller, Role.Auditor, Role.Admin);

    internal static void Add(AuthorizationBuilder authorization) => authorization
        .SetFallbackPolicy(AnyCaller)
        .AddPolicy(Admin, Callers(Role.Admin))
        .AddPolicy(Auditing, Callers(Role.Auditor, Role.Admin));

    /// <summary>Authenticated, with a valid subject and one of <paramref name="roles"/>.</summary>
    private static AuthorizationPolicy Callers(params Role[] roles) => new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireAssertion(context => context.User.TryGetPrincipal(out var caller) && roles.Contains(caller.Role))
        .Build();
}
