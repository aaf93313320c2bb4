using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Sluice.Cli.Scenarios;
using Sluice.Silo.Hosting;

namespace Sluice.IntegrationTests;

/// <summary>
/// <c>Http:Oidc</c>: the API accepts access tokens of the configured identity provider and audience beside the API
/// keys. The provider's published configuration is stood in for by a fixed one with a signing key this test holds.
/// </summary>
public sealed class HttpOidcTests : IAsyncLifetime
{
    private const string Issuer = "https://idp.sluice.test/";
    private const string Audience = "sluice-api";

    private static readonly SymmetricSecurityKey Signing = new(RandomNumberGenerator.GetBytes(32));

    private readonly int _httpPort = ScenarioSilo.FreePort();
    private readonly string _apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private IHost? _host;

    public async Task InitializeAsync()
    {
        var builder = SluiceHost.CreateBuilder([
            "--quiet", "--Kafka:Embedded=false", $"--Silo:SiloPort={ScenarioSilo.FreePort()}", $"--Silo:GatewayPort={ScenarioSilo.FreePort()}",
            $"--Http:Port={_httpPort}", $"--Http:ApiKeys:0={_apiKey}", $"--Http:Oidc:Authority={Issuer}", $"--Http:Oidc:Audience={Audience}",
            $"--Sluice:CheckpointRoot={Path.Combine(Path.GetTempPath(), "sluice-oidc", Guid.NewGuid().ToString("N"))}", "--Logging:LogLevel:Default=Warning",
        ]);
        builder.Services.Configure<JwtBearerOptions>(HttpAuthHosting.OidcScheme, o =>
        {
            o.Configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
            o.Configuration.SigningKeys.Add(Signing);
        });
        _host = builder.Build();
        await _host.StartAsync();
    }

    private HttpClient Http(string? bearer)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}") };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return http;
    }

    private static string Token(string audience = Audience, SecurityKey? key = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim("sub", "pipeline-bot")]),
            SigningCredentials = new SigningCredentials(key ?? Signing, SecurityAlgorithms.HmacSha256),
        });

    [Fact]
    public async Task ATokenOfTheProviderForTheApi_IsAccepted_AndTheApiKeysStillWork()
    {
        using var withToken = Http(Token());
        using var withKey = Http(_apiKey);

        Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync("/api/queries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await withToken.PostAsync("/api/queries/no_such_query/stop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync("/api/queries")).StatusCode);
    }

    [Fact]
    public async Task ATokenForAnotherAudience_OrSignedByAnotherKey_OrNone_Gets401()
    {
        using var otherAudience = Http(Token(audience: "another-api"));
        using var otherKey = Http(Token(key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))));
        using var none = Http(null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await otherAudience.GetAsync("/api/queries")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherKey.PostAsync("/api/queries/no_such_query/stop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync("/api/queries")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
