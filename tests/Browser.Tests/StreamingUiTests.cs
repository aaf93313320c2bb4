using System.Net;
using Xunit.Abstractions;

namespace Sluice.BrowserTests;

/// <summary>
/// The streaming UI as a browser shows it: headless Chromium loads /ui/ from a real silo running the demo, and the
/// tests read the DOM its scripts built. Screenshots go to TestResults/screenshots/ under the test's output folder.
/// </summary>
public sealed class StreamingUiTests(UiSilo silo, ITestOutputHelper output) : IClassFixture<UiSilo>
{
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private async Task<RenderedPage> OpenAsync(string fragment = "", bool withKey = true) =>
        new(await HeadlessChromium.DumpDomAsync($"{silo.BaseUrl}/ui/{(withKey ? $"?key={silo.ApiKey}" : "")}{fragment}"));

    private async Task ScreenshotAsync(string name, string fragment, int height, bool withKey = true)
    {
        var path = Path.Combine(Screenshots, $"ui-{name}.png");
        await HeadlessChromium.ScreenshotAsync($"{silo.BaseUrl}/ui/{(withKey ? $"?key={silo.ApiKey}" : "")}{fragment}", path, height: height);
        output.WriteLine($"Screenshot: {path}");
    }

    [Fact]
    public async Task QueryList_ShowsEveryDemoQueryWithItsAlertCount()
    {
        var page = await OpenAsync();

        Assert.Superset(UiSilo.DemoQueries.Append(UiSilo.LateQuery).ToHashSet(), page.QueryRows().ToHashSet());
        Assert.Equal(1, page.AlertCount(UiSilo.LateQuery));
        Assert.Contains($"href=\"../dashboard?key={silo.ApiKey}\"", page.Html, StringComparison.Ordinal);
        Assert.True(page.KeyFormHidden(), "the key form shows although the URL has the key");
        await ScreenshotAsync("queries", "", height: 700);
    }

    [Fact]
    public async Task DemoQueryPage_DrawsRateAndDurationCharts()
    {
        var charts = (await OpenAsync("#query=purchases")).ChartPoints();

        Assert.Equal(["batchDuration", "droppedByWatermark", "rates", "stateMemory", "stateRows", "watermarkDelay"], charts.Keys.Order());
        Assert.True(charts["rates"] > 0, $"rates chart drew {charts["rates"]} points");
        Assert.True(charts["batchDuration"] > 0, $"batchDuration chart drew {charts["batchDuration"]} points");
        Assert.Equal(0, charts["stateRows"]); // purchases is stateless: "no data yet", not a flat line
        await ScreenshotAsync("purchases", "#query=purchases", height: 1500);
    }

    [Fact]
    public async Task MemorySinkQueryPage_ShowsTheLatestRows()
    {
        var page = await OpenAsync("#query=purchases");
        var consoleSink = await OpenAsync("#query=purchases_console");

        Assert.InRange(page.SinkRows() ?? 0, 1, 20);
        Assert.Equal(["user_id", "product_id", "amount", "event_time"], page.SinkRowColumns());
        Assert.Matches("<td>u\\d+</td>", page.Html);
        Assert.Null(consoleSink.SinkRows()); // a console sink holds no rows to show
        await ScreenshotAsync("purchases-rows", "#query=purchases", height: 1500);
    }

    [Fact]
    public async Task StatefulQueryPage_DrawsStateCharts()
    {
        var charts = (await OpenAsync("#query=events_per_user")).ChartPoints();

        Assert.True(charts["stateRows"] > 0, $"stateRows chart drew {charts["stateRows"]} points");
        Assert.True(charts["stateMemory"] > 0, $"stateMemory chart drew {charts["stateMemory"]} points");
        await ScreenshotAsync("events_per_user", "#query=events_per_user", height: 1500);
    }

    [Fact]
    public async Task LateRows_ShowTheDroppedByWatermarkAlert()
    {
        var page = await OpenAsync($"#query={UiSilo.LateQuery}");

        var alert = Assert.Single(page.Alerts());
        Assert.Contains("alert-droppedByWatermark", alert);
        Assert.Contains("dropped by the watermark", page.Html, StringComparison.Ordinal);
        Assert.True(page.ChartPoints()["droppedByWatermark"] > 0);
        await ScreenshotAsync(UiSilo.LateQuery, $"#query={UiSilo.LateQuery}", height: 1500);
    }

    [Fact]
    public async Task WithoutKey_TheUiAsksForItAndShowsNoQueries()
    {
        var page = await OpenAsync("#query=purchases", withKey: false);

        Assert.False(page.KeyFormHidden(), "no key form without a key");
        Assert.Empty(page.QueryRows());
        Assert.Empty(page.ChartPoints());
        await ScreenshotAsync("key-form", "", height: 500, withKey: false);
    }

    [Fact]
    public async Task WithAWrongKey_TheUiSaysSoAndAsksAgain()
    {
        var page = new RenderedPage(await HeadlessChromium.DumpDomAsync($"{silo.BaseUrl}/ui/?key=not-the-key-of-this-silo"));

        Assert.False(page.KeyFormHidden(), "no key form after the silo refused the key");
        Assert.Contains("did not accept this key", page.Html, StringComparison.Ordinal);
        Assert.Empty(page.QueryRows());
    }

    [Fact]
    public async Task OrleansDashboard_OpensWithTheKeyInTheUrl_AndRefusesWithout()
    {
        using var response = await silo.Http.GetAsync(new Uri("/dashboard", UriKind.Relative));
        var withKey = await HeadlessChromium.DumpDomAsync($"{silo.BaseUrl}/dashboard?key={silo.ApiKey}");
        var withoutKey = await HeadlessChromium.DumpDomAsync($"{silo.BaseUrl}/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("index.min.js", withKey, StringComparison.Ordinal);
        Assert.DoesNotContain("Authentication required", withKey, StringComparison.Ordinal);
        Assert.Contains("Authentication required", withoutKey, StringComparison.Ordinal);
    }
}
