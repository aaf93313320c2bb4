using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace Sluice.Silo.Http;

/// <summary>
/// Lets a browser into the Orleans Dashboard, whose page and scripts cannot send a header: <c>GET /dashboard?key=KEY</c>
/// with a valid key sets an HttpOnly, SameSite=Strict cookie scoped to <c>/dashboard</c> and redirects to the same
/// URL without the key. <see cref="ApiKeyAuthenticationHandler"/> accepts that cookie for GET and HEAD there only.
/// </summary>
internal static class DashboardCookie
{
    public const string Name = "sluice-dashboard";

    /// <summary>Where the silo maps the Orleans Dashboard, and the cookie's path.</summary>
    public const string Path = "/dashboard";

    private const string KeyParameter = "key";

    public static IApplicationBuilder UseDashboardKeyCookie(this IApplicationBuilder app, HttpApiKeys keys) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!HttpMethods.IsGet(request.Method) || !request.Path.StartsWithSegments(Path) || request.Query[KeyParameter] is not [{ } key])
            {
                await next(context);
                return;
            }
            if (!keys.Matches(key))
            {
                await Results.Problem("The key in the URL is not one of the silo's Http:ApiKeys.", statusCode: StatusCodes.Status401Unauthorized,
                    title: "Authentication required").ExecuteAsync(context);
                return;
            }
            context.Response.Cookies.Append(Name, HttpApiKeys.CookieValue(key), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = request.IsHttps,
                Path = Path,
            });
            // The key leaves the address bar (and the browser's history) at once.
            var query = QueryHelpers.ParseQuery(request.QueryString.Value);
            query.Remove(KeyParameter);
            var rest = new QueryBuilder(query.SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))));
            // The dashboard's page loads its scripts relative to /dashboard/, so go straight there.
            var path = request.Path == Path ? Path + "/" : request.Path.Value;
            context.Response.Redirect($"{request.PathBase}{path}{rest.ToQueryString()}");
        });
}
