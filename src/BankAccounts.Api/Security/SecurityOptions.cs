namespace BankAccounts.Api.Security;

/// <summary>
/// Who may call the API (configuration section <c>BankAccounts:Security</c>). With neither
/// <see cref="Authority"/> nor <see cref="MetadataAddress"/> the node trusts the ES256 key in
/// <see cref="SigningKeyFile"/>, creating it on first start; nodes of one cluster share that file.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "BankAccounts:Security";

    /// <summary>The <c>iss</c> every token must carry (an OpenID Connect provider's issuer when one is used).</summary>
    public string Issuer { get; set; } = "bank-accounts";

    /// <summary>The <c>aud</c> every token must carry.</summary>
    public string Audience { get; set; } = "bank-accounts";

    /// <summary>An OpenID Connect provider whose discovery document names the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The provider's discovery document, when it is not at the authority's well-known address.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>PEM (PKCS#8) ECDSA P-256 key, relative to the working directory like the SQLite files.</summary>
    public string SigningKeyFile { get; set; } = "data/jwt-signing-key.pem";

    /// <summary>Whether <c>/openapi/v1.json</c> and <c>/scalar</c> answer without a token.</summary>
    public bool PublicApiDocs { get; set; } = true;

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Tokens come from an external provider rather than from this node's key file.</summary>
    public bool UsesProvider => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress);
}

/// <summary>A token bucket per caller (its subject; its IP address before it is authenticated).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained requests per second per caller.</summary>
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Requests a caller may send at once after being idle.</summary>
    public int Burst { get; set; } = 200;
}
