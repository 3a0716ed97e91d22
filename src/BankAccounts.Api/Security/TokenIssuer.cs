using System.Security.Claims;
using BankAccounts.Domain.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BankAccounts.Api.Security;

/// <summary>Mints the bearer tokens this API accepts (the <c>token</c> verb, tests, benchmarks) with the embedded issuer's key.</summary>
public sealed class TokenIssuer(SecurityKey signingKey, string issuer, string audience, TimeProvider clock)
{
    public const string SubjectClaim = "sub";
    public const string RoleClaim = "role";
    public const string NameClaim = "name";

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>The issuer configured by <paramref name="options"/>, with its key file (created if missing).</summary>
    public static TokenIssuer From(SecurityOptions options, TimeProvider? clock = null) =>
        new(SigningKeyFile.LoadOrCreate(options.SigningKeyFile), options.Issuer, options.Audience, clock ?? TimeProvider.System);

    public string Issue(Principal caller, TimeSpan lifetime)
    {
        var claims = new Dictionary<string, object>
        {
            [SubjectClaim] = caller.Subject,
            [RoleClaim] = Principal.ClaimOf(caller.Role),
        };
        if (caller.Name is not null)
        {
            claims[NameClaim] = caller.Name;
        }
        return Issue(claims, lifetime);
    }

    /// <summary>A token with exactly these claims (besides iss, aud, iat, nbf, exp), valid or not.</summary>
    public string Issue(IDictionary<string, object> claims, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        });
    }
}
