using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Security;
using Sluice.Spec;

namespace Sluice.Tests.Security;

/// <summary>Query names, spec size and the number of active queries are bounded.</summary>
public sealed class SpecLimitsTests
{
    [Theory]
    [InlineData("revenue")]
    [InlineData("st_dedup_watermark")]
    [InlineData("cli-t0123456789")]
    [InlineData("team.revenue-v2")]
    [InlineData("_internal")]
    [InlineData("9lives")]
    public void Name_LettersDigitsAndSafePunctuation_Passes(string name) => SpecGuard.CheckName(name);

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("two words")]
    [InlineData("-rf")]
    [InlineData("revenue\n")]
    [InlineData("café")]
    public void Name_Other_IsRefused(string name)
    {
        var e = Assert.Throws<QueryStartException>(() => SpecGuard.CheckName(name));

        Assert.StartsWith($"The query name '{name}' is not allowed: use 1 to 128 letters (A-Z, a-z), digits, '_', '.' or '-'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_LongerThan128_IsRefused()
    {
        SpecGuard.CheckName(new string('a', 128));
        Assert.Throws<QueryStartException>(() => SpecGuard.CheckName(new string('a', 129)));
    }

    [Fact]
    public void Size_OverTheLimit_IsRefusedWithTheSizeAndTheSetting()
    {
        var options = new SluiceOptions { Limits = { MaxSpecBytes = 2048 } };
        QuerySpec Spec(int rows) => new()
        {
            Name = "big",
            Source = new SourceSpec { Kind = "table", Schema = [new("id", "int")], Rows = Enumerable.Range(0, rows).Select(i => $"{{\"id\": {i}}}").ToList() },
            Sink = new SinkSpec { Kind = "memory" },
        };

        new SpecGuard(options, Sluice.Connectors.BuiltInConnectors.CreateRegistry()).CheckSize(Spec(10));
        var e = Assert.Throws<QueryStartException>(() => new SpecGuard(options, Sluice.Connectors.BuiltInConnectors.CreateRegistry()).CheckSize(Spec(500)));

        Assert.Matches(@"^The spec of query 'big' is \d+ bytes, over this silo's limit of 2048 \(Sluice:Limits:MaxSpecBytes\)\.", e.Message);
    }

    [Fact]
    public void ActiveQueries_AtTheLimit_RefusesOneMore()
    {
        var guard = new SpecGuard(new SluiceOptions { Limits = { MaxActiveQueries = 3 } }, Sluice.Connectors.BuiltInConnectors.CreateRegistry());

        guard.CheckActiveQueries("q", 2);
        var e = Assert.Throws<QueryStartException>(() => guard.CheckActiveQueries("q", 3));

        Assert.Equal("Cannot start query 'q': 3 queries are active, and this cluster allows 3 (Sluice:Limits:MaxActiveQueries). " +
            "Stop a query first, or ask the operator to raise the limit.", e.Message);
    }

    [Theory]
    [InlineData(512, 100)]
    [InlineData(1048576, 0)]
    public void Options_OutOfRange_FailValidationNamingTheSetting(int maxBytes, int maxActive)
    {
        var e = Assert.Throws<InvalidOperationException>(() => new SluiceOptions { Limits = { MaxSpecBytes = maxBytes, MaxActiveQueries = maxActive } }.Validate());

        Assert.StartsWith("Sluice:Limits:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegexMatchTimeout_Negative_FailsValidationNamingTheSetting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new SluiceOptions { Limits = { RegexMatchTimeout = TimeSpan.FromSeconds(-1) } }.Validate());

        Assert.StartsWith("Sluice:Limits:RegexMatchTimeout", e.Message, StringComparison.Ordinal);
    }
}
