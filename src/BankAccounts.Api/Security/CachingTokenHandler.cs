using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BankAccounts.Api.Security;

/// <summary>
/// Validates a bearer token once, then remembers the result for a short while: an ES256 signature
/// check costs ~130 µs of CPU (the benchmark measures it), paid on every request of a client that
/// sends the same token for an hour. A remembered token is still refused once it expires, and a
/// change of validation parameters (a provider's new keys) validates it again. Only valid results are kept.
/// </summary>
internal sealed class CachingTokenHandler(TimeProvider clock) : JsonWebTokenHandler
{
    /// <summary>Tokens remembered at most; past it the memory starts over (a flood of distinct tokens costs validations, not memory).</summary>
    public const int Capacity = 10_000;

    /// <summary>How long a validation is trusted at most, whatever the token's own lifetime.</summary>
    public static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out var known) && SameTrust(known.Parameters, validationParameters) && now < known.NotAfter)
        {
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = known.Result.ClaimsIdentity.Clone(), // each request gets its own identity
                SecurityToken = known.Result.SecurityToken,
                Issuer = known.Result.Issuer,
                TokenType = known.Result.TokenType,
            };
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } validated)
        {
            if (_validated.Count >= Capacity)
            {
                _validated.Clear();
            }
            var notAfter = validated.ValidTo < now + Remember ? validated.ValidTo : now + Remember;
            _validated[token] = new Validated(result, validationParameters, notAfter);
        }
        return result;
    }

    /// <summary>
    /// The JwtBearer handler hands every request its own copy of the parameters: they are the same
    /// trust when they name the same issuer, audience, algorithms and the very same key objects (a
    /// provider's key refresh brings new ones).
    /// </summary>
    private static bool SameTrust(TokenValidationParameters a, TokenValidationParameters b) =>
        ReferenceEquals(a, b)
        || (ReferenceEquals(a.IssuerSigningKey, b.IssuerSigningKey)
            && Same(a.IssuerSigningKeys, b.IssuerSigningKeys)
            && a.ValidIssuer == b.ValidIssuer && Same(a.ValidIssuers, b.ValidIssuers)
            && a.ValidAudience == b.ValidAudience && Same(a.ValidAudiences, b.ValidAudiences)
            && Same(a.ValidAlgorithms, b.ValidAlgorithms)
            && a.ValidateIssuer == b.ValidateIssuer && a.ValidateAudience == b.ValidateAudience
            && a.ValidateLifetime == b.ValidateLifetime && a.ValidateIssuerSigningKey == b.ValidateIssuerSigningKey
            && ReferenceEquals(a.LifetimeValidator, b.LifetimeValidator) && ReferenceEquals(a.IssuerSigningKeyResolver, b.IssuerSigningKeyResolver));

    private static bool Same<T>(IEnumerable<T>? a, IEnumerable<T>? b) where T : class =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b, ReferenceEqualityComparer.Instance));

    private sealed record Validated(TokenValidationResult Result, TokenValidationParameters Parameters, DateTime NotAfter);
}
