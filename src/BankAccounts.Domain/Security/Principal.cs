namespace BankAccounts.Domain.Security;

/// <summary>What a caller is allowed to be (the token's <c>role</c> claim).</summary>
public enum Role
{
    /// <summary>No role: may do nothing. The principal of a command nobody attributed.</summary>
    None = 0,

    /// <summary>Owns accounts: acts on its own accounts only.</summary>
    Customer = 1,

    /// <summary>Bank staff at the counter: opens accounts for customers, deposits and withdraws on any account, reads any account.</summary>
    Teller = 2,

    /// <summary>Reads everything, changes nothing.</summary>
    Auditor = 3,

    /// <summary>Runs the system (projections, cluster, integrity); moves no money.</summary>
    Admin = 4,

    /// <summary>
    /// The system itself: internal processes, tools and events recorded before attribution existed.
    /// No token can carry it (<see cref="Principal.TryParseRole"/> never yields it).
    /// </summary>
    System = 5,
}

/// <summary>
/// Who asks: the token's subject (a stable id from the identity provider), its role and, for
/// display only, its name. Every command carries one and every event records the one that caused it.
/// </summary>
public sealed record Principal(string Subject, Role Role, string? Name = null)
{
    public const int MaxSubjectLength = 200;

    /// <summary>Attributed to events written before events recorded who caused them (release 1).</summary>
    public static readonly Principal Legacy = new("system:legacy", Role.System, "recorded before attribution");

    /// <summary>The principal of a command nobody attributed: it may do nothing (fail closed).</summary>
    public static readonly Principal Anonymous = new("anonymous", Role.None);

    /// <summary>The system acting for itself (tools, tests of the write side); never reachable through the API.</summary>
    public static readonly Principal System = new("system", Role.System);

    /// <summary>Roles a token may carry, by their claim value.</summary>
    public static bool TryParseRole(string? claim, out Role role)
    {
        role = claim switch
        {
            "customer" => Role.Customer,
            "teller" => Role.Teller,
            "auditor" => Role.Auditor,
            "admin" => Role.Admin,
            _ => default,
        };
        return role != default;
    }

    public static string ClaimOf(Role role) => role switch
    {
        Role.Customer => "customer",
        Role.Teller => "teller",
        Role.Auditor => "auditor",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "No token carries this role."),
    };

    /// <summary>A subject a token may carry: not blank, bounded, printable, and not the system's own (<c>system</c>, <c>system:…</c>).</summary>
    public static bool IsValidSubject(string? subject) =>
        !string.IsNullOrWhiteSpace(subject) && subject.Length <= MaxSubjectLength && !subject.Any(char.IsControl)
        && subject != System.Subject && !subject.StartsWith("system:", StringComparison.Ordinal);

    /// <summary>The role as messages name it (a method: it is not part of the stored principal): <c>customer</c>, <c>teller</c>…</summary>
    public string RoleName() => Role.ToString().ToLowerInvariant();

    public override string ToString() => $"{RoleName()}:{Subject}";
}
