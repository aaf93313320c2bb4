using System.Net;
using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.IntegrationTests;

/// <summary>
/// The silo's HTTP endpoint asks who is calling: the API needs the key in a header, a browser's cross-site form POST
/// cannot stop a query even with the dashboard's cookie, and the dashboard lets a browser in through a GET-only cookie.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class HttpAuthTests(SiloFixture silo)
{
    private async Task<StreamingQuery> StartManualQueryAsync()
    {
        var name = "auth" + Guid.NewGuid().ToString("N")[..10];
        return await silo.Client.ReadStream().Memory("auth-" + name).Schema(("id", "int")).Load()
            .WriteStream().Trigger(Trigger.Manual()).StartAsync(name);
    }

    private async Task<string> DashboardCookieAsync()
    {
        using var http = silo.Http(withKey: false);
        using var response = await http.GetAsync($"/dashboard?key={silo.ApiKey}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    [Fact]
    public async Task Stop_WithoutKey_Gets401AndTheQueryKeepsRunning_WithTheKeyItStops()
    {
        var query = await StartManualQueryAsync();
        using var anonymous = silo.Http(withKey: false);
        using var wrongKey = silo.Http(withKey: false);
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key-of-this-silo");

        var noKey = await anonymous.PostAsync($"/api/queries/{query.Name}/stop", null);
        var badKey = await wrongKey.PostAsync($"/api/queries/{query.Name}/stop", null);
        var restart = await anonymous.PostAsync($"/api/queries/{query.Name}/restart", null);

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, restart.StatusCode);
        Assert.Contains("Bearer", noKey.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var status = await query.StatusAsync();
        Assert.Equal(QueryState.Active, status.State);
        Assert.Equal(query.RunId, status.RunId);

        using var withKey = silo.Http(withKey: false);
        withKey.DefaultRequestHeaders.Add("X-Api-Key", silo.ApiKey);
        Assert.Equal(HttpStatusCode.NoContent, (await withKey.PostAsync($"/api/queries/{query.Name}/stop", null)).StatusCode);
        Assert.Equal(QueryState.Stopped, (await query.StatusAsync()).State);
    }

    [Fact]
    public async Task CrossSiteFormPost_WithTheBrowsersCookie_CannotStopAQuery()
    {
        var query = await StartManualQueryAsync();
        var cookie = await DashboardCookieAsync();
        using var http = silo.Http(withKey: false);

        // What a form on another site makes a browser send: a form body, that site's Origin, and whatever cookie the
        // browser holds for the silo (even one SameSite=Strict and scoped to /dashboard would not be sent; try anyway).
        foreach (var path in new[] { $"/api/queries/{query.Name}/stop", $"/api/queries/{query.Name}/restart" })
        {
            using var form = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([KeyValuePair.Create("x", "1")]) };
            form.Headers.Add("Origin", "https://attacker.example");
            form.Headers.Add("Cookie", cookie);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(form)).StatusCode);
        }
        // The cookie's value is derived from the key, not the key: it does not work as a key either.
        using var replay = new HttpRequestMessage(HttpMethod.Post, $"/api/queries/{query.Name}/stop");
        replay.Headers.Add("Authorization", "Bearer " + cookie.Split('=', 2)[1]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(replay)).StatusCode);

        var status = await query.StatusAsync();
        Assert.Equal(QueryState.Active, status.State);
        Assert.Equal(query.RunId, status.RunId);
        await silo.Client.StopAsync(query.Name);
    }

    [Fact]
    public async Task Reads_WithoutKey_Get401_WithTheKeyAnswer()
    {
        using var anonymous = silo.Http(withKey: false);
        using var withKey = silo.Http();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/queries")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/queries/any/progress")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync("/api/queries")).StatusCode);
        // The UI's page itself loads without a key: it holds no data, and asks for the key.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/ui/")).StatusCode);
        // Health needs no key either: readiness answers 200 or, when a query of the shared silo failed, 503.
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz/live")).StatusCode);
    }

    [Fact]
    public async Task Dashboard_WithoutKey_Gets401_TheKeyInTheUrlSetsAStrictHttpOnlyCookieForReads()
    {
        using var http = silo.Http(withKey: false);

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard/ClusterStats")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard?key=not-the-key-of-this-silo")).StatusCode);

        using var entry = await http.GetAsync($"/dashboard?key={silo.ApiKey}");
        var setCookie = entry.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
        Assert.Equal(HttpStatusCode.Redirect, entry.StatusCode);
        Assert.Equal("/dashboard/", entry.Headers.Location!.OriginalString);
        Assert.Contains("httponly", setCookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", setCookie, StringComparison.Ordinal);
        Assert.Contains("path=/dashboard", setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.ApiKey, setCookie, StringComparison.Ordinal);

        var cookie = await DashboardCookieAsync();
        foreach (var path in new[] { "/dashboard/", "/dashboard/ClusterStats" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", cookie);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }
        // Outside the dashboard the cookie opens nothing, not even a read.
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/queries");
        list.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(list)).StatusCode);
    }
}
