using Sluice.Data;

namespace Sluice.Tests.Expressions;

/// <summary>Spark's <c>window_time(window)</c>: the event time of a window row, one microsecond before its end.</summary>
public class WindowTimeTests
{
    [Fact]
    public void WindowTime_IsTheWindowEndMinusOneMicrosecond()
    {
        Assert.Equal(Eval.Utc("2024-01-01 00:00:09.999999"), Eval.Value("window_time(window)"));
        Assert.Equal(DataType.Timestamp, Eval.TypeOf("window_time(window)"));
        Assert.Equal(9_999_999L, Eval.Value("unix_micros(window_time(window)) - unix_micros(window.start)"));
    }

    [Fact]
    public void WindowTime_OfSomethingElseThanAWindow_IsACompileError() =>
        Assert.StartsWith("argument 1 of window_time() must be of a window struct", Eval.Error("window_time(ts)"), StringComparison.Ordinal);
}
