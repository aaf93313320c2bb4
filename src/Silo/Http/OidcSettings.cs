namespace Sluice.Silo.Http;

/// <summary>
/// Optional OpenID Connect access tokens for the HTTP API (configuration section <c>Http:Oidc</c>): with an
/// <see cref="Authority"/>, a bearer token that is a JWT is validated against the identity provider's published
/// signing keys, issuer and <see cref="Audience"/>; any other bearer value is treated as an API key.
/// </summary>
public sealed class OidcSettings
{
    /// <summary>The identity provider's issuer URL (https), e.g. <c>https://login.example.com/realms/data</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience the tokens must be issued for, e.g. <c>sluice-api</c>. Required with an authority.</summary>
    public string? Audience { get; set; }
}
