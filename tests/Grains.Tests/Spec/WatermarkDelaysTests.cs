using Sluice.Spec;

namespace Sluice.Tests.Spec;

/// <summary>Watermark delays as Spark's withWatermark reads them (EventTimeWatermarkSuite, SPARK-35815).</summary>
public class WatermarkDelaysTests
{
    private const long Day = 86_400_000;

    [Theory]
    [InlineData("3 days", 3 * Day)]
    [InlineData("Interval 3 day", 3 * Day)]
    [InlineData("inTerval '3' day", 3 * Day)]
    [InlineData(" 5 hours", 5 * 3_600_000L)]
    [InlineData("INTERVAL 5 hour", 5 * 3_600_000L)]
    [InlineData("interval '5' hour", 5 * 3_600_000L)]
    [InlineData("\t8 minutes", 8 * 60_000L)]
    [InlineData("interval '8' minute", 8 * 60_000L)]
    [InlineData("interval 10 second", 10_000L)]
    [InlineData("1 years", 12 * 31 * Day)]
    [InlineData("interval '1' year", 12 * 31 * Day)]
    [InlineData("1 months", 31 * Day)]
    [InlineData("2 years 5 months", 29 * 31 * Day)]
    [InlineData("\tinterval '1' day '2' hours '3' minutes '4' seconds", Day + 2 * 3_600_000L + 3 * 60_000L + 4_000L)]
    [InlineData("interval '1 2:3:4' day to second", Day + 2 * 3_600_000L + 3 * 60_000L + 4_000L)]
    [InlineData("\tinterval '1-2' year to month", 14 * 31 * Day)]
    [InlineData("0 seconds", 0L)]
    [InlineData("500 ms", 500L)]
    public void Parse_SparkForms_GiveSparksMilliseconds(string text, long expectedMs)
    {
        var delay = WatermarkDelays.Parse(text, out var error);

        Assert.Null(error);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }

    [Theory]
    [InlineData("-1 year")]
    [InlineData("1 year -13 months")]
    [InlineData("1 month -40 days")]
    [InlineData("-10 seconds")]
    public void Parse_NegativeTotal_IsRefusedWithSparksMessage(string text)
    {
        Assert.Null(WatermarkDelays.Parse(text, out var error));
        Assert.Contains($"delay threshold ({text}) should not be negative.", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 foo")]
    [InlineData("interva 2 day")]
    [InlineData("intrval '3' day")]
    [InlineData("interval 4 foo")]
    [InlineData("interval '5' foo")]
    [InlineData("interval '1 2:3:4' day to hour")]
    [InlineData("interval '1 2' year to month")]
    [InlineData("interval '1 24' day to hour")]
    [InlineData("interval '3:60' minute to second")]
    [InlineData("interval '1-12' year to month")]
    [InlineData("soon")]
    [InlineData("")]
    public void Parse_Malformed_SaysWhatIsExpected(string text)
    {
        Assert.Null(WatermarkDelays.Parse(text, out var error));
        Assert.Contains("expected a duration such as", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecReader_ReadsAMonthsDelay_AndWritesItBackReadably()
    {
        var spec = SpecReader.Read("""
            {"name": "q", "source": {"kind": "memory", "schema": {"t": "timestamp"}},
             "operators": [{"op": "withWatermark", "column": "t", "delay": "2 years 5 months"}], "sink": {"kind": "memory"}}
            """);

        var delay = Assert.IsType<WithWatermarkSpec>(Assert.Single(spec.Operators)).Delay;
        Assert.Equal(TimeSpan.FromDays(29 * 31), delay);
        Assert.Equal(delay, Assert.IsType<WithWatermarkSpec>(Assert.Single(SpecReader.Read(SpecWriter.Write(spec)).Operators)).Delay);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("")]
    public void SpecReader_UnknownWatermarkPolicy_NamesTheValidValues(string policy)
    {
        var e = Assert.Throws<SpecException>(() => SpecReader.Read($$$"""
            {"name": "q", "source": {"kind": "memory", "schema": {"t": "timestamp"}}, "sink": {"kind": "memory"}, "watermarkPolicy": "{{{policy}}}"}
            """));

        Assert.Equal("$.watermarkPolicy", e.Path);
        Assert.Contains("valid values are 'min' and 'max'", e.Message, StringComparison.Ordinal);
    }
}
