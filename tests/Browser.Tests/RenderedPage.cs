using System.Text.RegularExpressions;

namespace Sluice.BrowserTests;

/// <summary>
/// Reads what the UI rendered from Chromium's serialized DOM: the query rows, the charts' <c>data-points</c> and the
/// alerts. The UI builds its markup from data with fixed attribute names, so matching start tags is enough here.
/// </summary>
internal sealed partial class RenderedPage(string html)
{
    public string Html { get; } = html;

    /// <summary>Names of the rows in the query list (<c>&lt;tr data-query="NAME"&gt;</c>).</summary>
    public IReadOnlyList<string> QueryRows() =>
        StartTags("tr").Select(tag => Attribute(tag, "data-query")).OfType<string>().ToList();

    /// <summary>The alert count the list shows for <paramref name="query"/>, or null when it shows none.</summary>
    public int? AlertCount(string query)
    {
        var row = Regex.Match(Html, $"<tr[^>]*data-query=\"{Regex.Escape(query)}\"[^>]*>(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, $"No row for {query} in the query list");
        var count = DataAlerts().Match(row.Groups[1].Value);
        return count.Success ? int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Each chart's name and the number of batches it drew (<c>data-chart</c>, <c>data-points</c>).</summary>
    public IReadOnlyDictionary<string, int> ChartPoints() =>
        StartTags("figure")
            .Where(tag => Attribute(tag, "data-chart") is not null)
            .ToDictionary(tag => Attribute(tag, "data-chart")!, tag => int.Parse(Attribute(tag, "data-points") ?? "-1", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The CSS classes of every element with class <c>alert</c>.</summary>
    public IReadOnlyList<string[]> Alerts() =>
        StartTags("li")
            .Select(tag => (Attribute(tag, "class") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(classes => classes.Contains("alert"))
            .ToList();

    /// <summary>The row count of the memory-sink rows table (<c>&lt;table data-rows="N"&gt;</c>), or null when the page shows none.</summary>
    public int? SinkRows() =>
        StartTags("table").Select(tag => Attribute(tag, "data-rows")).OfType<string>()
            .Select(n => (int?)int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();

    /// <summary>The column headers of the memory-sink rows table.</summary>
    public IReadOnlyList<string> SinkRowColumns()
    {
        var table = Regex.Match(Html, "<table[^>]*data-rows=\"[^\"]*\"[^>]*>.*?<thead>(.*?)</thead>", RegexOptions.Singleline);
        return table.Success ? Regex.Matches(table.Groups[1].Value, "<th[^>]*>(.*?)</th>").Select(m => m.Groups[1].Value).ToList() : [];
    }

    /// <summary>Whether the API-key form (<c>&lt;form id="key-form"&gt;</c>) is hidden.</summary>
    public bool KeyFormHidden()
    {
        var form = StartTags("form").SingleOrDefault(tag => Attribute(tag, "id") == "key-form");
        Assert.NotNull(form);
        return Regex.IsMatch(form, "\\shidden(=\"[^\"]*\")?[\\s>]");
    }

    private IEnumerable<string> StartTags(string name) =>
        Regex.Matches(Html, $"<{name}\\b[^>]*>").Select(m => m.Value);

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{Regex.Escape(name)}=\"([^\"]*)\"");
        return match.Success ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("data-alerts=\"(\\d+)\"")]
    private static partial Regex DataAlerts();
}
