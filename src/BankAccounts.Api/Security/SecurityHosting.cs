using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.IdentityModel.Tokens;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BankAccounts.Api.Security;

/// <summary>Bearer authentication, role policies and per-caller rate limits at the HTTP edge.</summary>
public static class SecurityHosting
{
    public const string BearerScheme = JwtBearerDefaults.AuthenticationScheme;

    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddBankAccountsSecurity(this IServiceCollection services, SecurityOptions options)
    {
        services.AddSingleton(options);
        services.AddAuthentication(BearerScheme).AddJwtBearer(jwt =>
        {
            // Claims keep their JWT names (sub, role, name) instead of becoming long WS-* URIs.
            jwt.MapInboundClaims = false;
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new CachingTokenHandler(TimeProvider.System) { MapInboundClaims = false });
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Issuer,
                ValidAudience = options.Audience,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                ClockSkew = ClockSkew,
                NameClaimType = TokenIssuer.NameClaim,
                RoleClaimType = TokenIssuer.RoleClaim,
            };
            if (options.UsesProvider)
            {
                jwt.Authority = options.Authority;
                jwt.MetadataAddress = string.IsNullOrWhiteSpace(options.MetadataAddress) ? null! : options.MetadataAddress;
            }
            else
            {
                jwt.TokenValidationParameters.IssuerSigningKey = SigningKeyFile.LoadOrCreate(options.SigningKeyFile);
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256];
            }
            jwt.Events = new JwtBearerEvents
            {
                OnChallenge = context =>
                {
                    context.HandleResponse();
                    // The handler describes expired, wrongly signed or addressed tokens; a malformed one gets no description.
                    var description = string.IsNullOrEmpty(context.ErrorDescription) ? null : context.ErrorDescription;
                    context.Response.Headers.WWWAuthenticate = context.Error is null
                        ? "Bearer"
                        : $"Bearer error=\"{context.Error}\"" + (description is null ? "" : $", error_description=\"{description}\"");
                    return SecurityProblems.Unauthenticated(context.HttpContext, description ?? (context.AuthenticateFailure is null ? null : "it is not a valid token"));
                },
                OnForbidden = context => SecurityProblems.Forbidden(context.HttpContext),
            };
        });
        AccessPolicies.Add(services.AddAuthorizationBuilder());
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(PartitionOf(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.RateLimit.Burst,
                    TokensPerPeriod = options.RateLimit.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.FromSeconds(1)
                    ? TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds))
                    : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new ValueTask(SecurityProblems.TooManyRequests(context.HttpContext, retryAfter));
            };
        });
        return services;
    }

    /// <summary>Authentication first, so the rate limiter knows the caller; authorization after it, so refused callers are limited too.</summary>
    public static WebApplication UseBankAccountsSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The OpenAPI document says every operation takes a bearer token.</summary>
    public static Task DeclareBearerScheme(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT with 'sub' and 'role' (customer, teller, auditor or admin); `BankAccounts.Api token` mints one.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        return Task.CompletedTask;
    }

    /// <summary>Scalar offers the bearer scheme first, so a pasted token goes with every request.</summary>
    public static ScalarOptions WithBearerToken(this ScalarOptions scalar) =>
        scalar.AddPreferredSecuritySchemes([BearerScheme]).AddHttpAuthentication(BearerScheme, _ => { });

    private static string PartitionOf(HttpContext http) =>
        http.User.TryGetPrincipal(out var caller) ? "subject:" + caller.Subject : "address:" + http.Connection.RemoteIpAddress;
}
