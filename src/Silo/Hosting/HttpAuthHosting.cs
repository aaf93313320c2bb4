using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Silo.Http;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Wires ASP.NET Core authentication and authorization for the silo's HTTP endpoint: the API-key scheme
/// (<see cref="ApiKeyAuthenticationHandler"/>) as the default, and <see cref="Policy"/> as the fallback policy, so
/// every endpoint needs a key unless it opts out. The streaming UI's static files are served before authorization:
/// they hold no data, and the page must load to ask for the key.
/// </summary>
internal static class HttpAuthHosting
{
    /// <summary>The authorization policy of the API and the Dashboard: an authenticated API key.</summary>
    public const string Policy = "sluice-api-key";

    public static HttpApiKeys AddSluiceHttpAuth(this IServiceCollection services, HttpSettings http, SiloMode mode)
    {
        var keys = HttpApiKeys.Resolve(http, mode);
        services.AddSingleton(keys);
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            var policy = new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
            options.AddPolicy(Policy, policy);
            options.DefaultPolicy = policy;
            options.FallbackPolicy = policy;
        });
        return keys;
    }

    /// <summary>Goes after the static files and before the endpoints.</summary>
    public static WebApplication UseSluiceHttpAuth(this WebApplication app, HttpApiKeys keys)
    {
        app.UseDashboardKeyCookie(keys);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
