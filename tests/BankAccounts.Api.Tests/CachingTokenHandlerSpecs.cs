using System.Security.Cryptography;
using BankAccounts.Api.Security;
using BankAccounts.Domain.Security;
using Microsoft.IdentityModel.Tokens;

namespace BankAccounts.Api.Tests;

/// <summary>The remembered validation never outlives the token, nor a change of the keys that validated it.</summary>
public sealed class CachingTokenHandlerSpecs
{
    private static readonly ECDsaSecurityKey Key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    [Fact]
    public async Task Should_answer_a_token_seen_before_with_a_fresh_identity_of_the_same_claims()
    {
        var handler = new CachingTokenHandler(TimeProvider.System) { MapInboundClaims = false };
        var token = Issuer(TimeProvider.System).Issue(new Principal("ada", Role.Customer), TimeSpan.FromHours(1));

        var first = await handler.ValidateTokenAsync(token, Parameters(Key));
        var second = await handler.ValidateTokenAsync(token, Parameters(Key));

        Assert.True(first.IsValid && second.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("ada", second.ClaimsIdentity.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task Should_remember_a_validation_across_copies_of_the_same_parameters_as_the_bearer_handler_makes_them()
    {
        var handler = new CachingTokenHandler(TimeProvider.System) { MapInboundClaims = false };
        var token = Issuer(TimeProvider.System).Issue(new Principal("ada", Role.Customer), TimeSpan.FromHours(1));
        var validations = 0;
        var parameters = Parameters(Key);
        parameters.LifetimeValidator = (notBefore, expires, _, _) => ++validations > 0 && notBefore <= DateTime.UtcNow && DateTime.UtcNow < expires;

        var first = await handler.ValidateTokenAsync(token, parameters.Clone());
        var second = await handler.ValidateTokenAsync(token, parameters.Clone());

        Assert.True(first.IsValid && second.IsValid);
        Assert.Equal(1, validations);
    }

    [Fact]
    public async Task Should_validate_again_when_the_signing_keys_change()
    {
        var handler = new CachingTokenHandler(TimeProvider.System) { MapInboundClaims = false };
        var token = Issuer(TimeProvider.System).Issue(new Principal("ada", Role.Customer), TimeSpan.FromHours(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(Key))).IsValid);

        var rotated = await handler.ValidateTokenAsync(token, Parameters(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256))));

        Assert.False(rotated.IsValid);
    }

    [Fact]
    public async Task Should_refuse_a_remembered_token_once_it_has_expired()
    {
        // Minted an hour ago for an hour and a minute: valid now, expired in a minute.
        var now = DateTimeOffset.UtcNow;
        var token = Issuer(new Clock(now.AddHours(-1))).Issue(new Principal("ada", Role.Customer), TimeSpan.FromMinutes(61));
        var clock = new Clock(now);
        var handler = new CachingTokenHandler(clock) { MapInboundClaims = false };
        var parameters = Parameters(Key, clock); // the same parameters both times: only the clock moves
        Assert.True((await handler.ValidateTokenAsync(token, parameters)).IsValid);

        clock.Now = now.AddMinutes(2);
        var later = await handler.ValidateTokenAsync(token, parameters);

        Assert.False(later.IsValid);
    }

    private static TokenIssuer Issuer(TimeProvider clock) => new(Key, "bank-accounts", "bank-accounts", clock);

    private static TokenValidationParameters Parameters(SecurityKey key, TimeProvider? clock = null)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = "bank-accounts",
            ValidAudience = "bank-accounts",
            IssuerSigningKey = key,
            ClockSkew = TimeSpan.Zero,
        };
        if (clock is not null)
        {
            parameters.LifetimeValidator = (notBefore, expires, _, _) => notBefore <= clock.GetUtcNow() && clock.GetUtcNow() < expires;
        }
        return parameters;
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
