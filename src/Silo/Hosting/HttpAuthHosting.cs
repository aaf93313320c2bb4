using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Silo.Http;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Wires ASP.NET Core authentication and authorization for the silo's HTTP endpoint: the API-key scheme
/// (<see cref="ApiKeyAuthenticationHandler"/>) as the default, and <see cref="Policy"/> as the fallback policy, so
/// every endpoint needs a key unless it opts out. With <c>Http:Oidc:Authority</c> (<see cref="OidcSettings"/>), a
/// bearer token that is a JWT is validated by ASP.NET Core's JWT bearer handler instead. The streaming UI's static files are served before authorization:
/// they hold no data, and the page must load to ask for the key.
/// </summary>
internal static class HttpAuthHosting
{
    /// <summary>The authorization policy of the API and the Dashboard: an API key (or an OpenID Connect token).</summary>
    public const string Policy = "sluice-api-key";

    /// <summary>The JWT bearer scheme of <see cref="OidcSettings"/>, when <c>Http:Oidc:Authority</c> is set.</summary>
    public const string OidcScheme = "Oidc";

    private const string SelectorScheme = "ApiKeyOrOidc";

    public static HttpApiKeys AddSluiceHttpAuth(this IServiceCollection services, HttpSettings http, SiloMode mode, IConfiguration configuration)
    {
        var keys = HttpApiKeys.Resolve(http, mode);
        services.AddSingleton(keys);
        var oidc = configuration.GetSection("Http:Oidc").Get<OidcSettings>();
        var scheme = oidc?.Authority is { Length: > 0 } ? SelectorScheme : ApiKeyAuthenticationHandler.SchemeName;
        var authentication = services.AddAuthentication(scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (oidc?.Authority is { Length: > 0 } authority)
        {
            if (string.IsNullOrWhiteSpace(oidc.Audience))
            {
                throw new InvalidOperationException("Http:Oidc:Authority is set but Http:Oidc:Audience is not: give the audience the API's tokens are issued for.");
            }
            authentication.AddJwtBearer(OidcScheme, o =>
            {
                o.Authority = authority;
                o.Audience = oidc.Audience;
                o.MapInboundClaims = false;
            });
            // One header, two kinds of bearer value: a JWT goes to the identity provider's keys, anything else is an API key.
            authentication.AddPolicyScheme(SelectorScheme, "API key or OpenID Connect token", o =>
                o.ForwardDefaultSelector = context => IsJwt(context.Request.Headers.Authorization.ToString()) ? OidcScheme : ApiKeyAuthenticationHandler.SchemeName);
        }
        services.AddAuthorization(options =>
        {
            var policy = new AuthorizationPolicyBuilder(scheme).RequireAuthenticatedUser().Build();
            options.AddPolicy(Policy, policy);
            options.DefaultPolicy = policy;
            options.FallbackPolicy = policy;
        });
        return keys;
    }

    private static bool IsJwt(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.AsSpan("Bearer ".Length).Trim().Count('.') == 2;

    /// <summary>Goes after the static files and before the endpoints.</summary>
    public static WebApplication UseSluiceHttpAuth(this WebApplication app, HttpApiKeys keys)
    {
        app.UseDashboardKeyCookie(keys);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
