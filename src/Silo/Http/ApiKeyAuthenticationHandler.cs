using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sluice.Silo.Http;

/// <summary>
/// Authenticates a request by its API key: <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>, on every method.
/// The Orleans Dashboard's cookie (<see cref="DashboardCookie"/>) counts only for GET and HEAD under the dashboard's
/// path: a cross-site page can make a browser send cookies with a form POST but cannot add a header, so nothing that
/// changes state is ever authorized by a cookie.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, HttpApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string KeyHeader = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey() is { } key)
        {
            return Task.FromResult(keys.Matches(key) ? Success("header") : AuthenticateResult.Fail("The API key is not valid."));
        }
        if ((HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method))
            && Request.Path.StartsWithSegments(DashboardCookie.Path)
            && Request.Cookies[DashboardCookie.Name] is { } cookie)
        {
            return Task.FromResult(keys.MatchesCookie(cookie) ? Success("dashboard-cookie") : AuthenticateResult.Fail("The dashboard cookie is not valid."));
        }
        return Task.FromResult(AuthenticateResult.NoResult());
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"sluice\"";
        return Results.Problem(
            "This silo needs an API key (Http:ApiKeys): send 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'. " +
            "In a browser, open /ui/?key=KEY, or /dashboard?key=KEY for the Orleans Dashboard. " +
            "In embedded mode without a configured key, the silo prints a URL with the key it generated at start.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Authentication required").ExecuteAsync(Context);
    }

    private string? PresentedKey()
    {
        if (Request.Headers[KeyHeader] is [{ Length: > 0 } key])
        {
            return key.Trim();
        }
        var authorization = Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private AuthenticateResult Success(string via)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key"), new Claim("sluice:via", via)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
