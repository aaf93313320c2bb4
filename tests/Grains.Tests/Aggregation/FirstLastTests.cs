using Sluice.Data;
using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Aggregation;

public class FirstLastTests
{
    private static readonly FirstFunction First = new(DataType.String);
    private static readonly LastFunction Last = new(DataType.String);

    [Fact]
    public void First_ReturnsFirstValueSeen()
    {
        Assert.Equal("a", Agg.RunAndCheckMerge(First, "a", "b", null));
        Assert.Equal("c", Agg.RunAndCheckMerge(Last, "a", null, "c"));
    }

    [Fact]
    public void First_WhenFirstValueIsNull_ReturnsNullAsSparkWithoutIgnoreNulls()
    {
        Assert.Null(Agg.RunAndCheckMerge(First, null, "b", "c"));
        Assert.Null(Agg.RunAndCheckMerge(Last, "a", "b", null));
    }

    [Fact]
    public void FirstLast_OfEmptyGroup_AreNull()
    {
        Assert.Null(Agg.Run(First));
        Assert.Null(Agg.Run(Last));
    }

    [Fact]
    public void FirstLast_MergeWithEmptyPartial_KeepsValueEvenIfNull()
    {
        var empty = Agg.NewBuffer(First);
        var seenNull = Agg.Fold(First, [null]);
        First.Merge(seenNull, 1, empty, 1);
        First.Merge(empty, 1, Agg.Reload(Agg.Fold(First, ["late"])), 1);
        Assert.Null(First.Evaluate(seenNull, 1));
        Assert.Equal("late", First.Evaluate(empty, 1));

        var lastSeenNull = Agg.Fold(Last, [null]);
        var lastSeenValue = Agg.Fold(Last, ["x"]);
        Last.Merge(lastSeenValue, 1, Agg.NewBuffer(Last), 1);
        Last.Merge(lastSeenValue, 1, lastSeenNull, 1);
        Assert.Null(Last.Evaluate(lastSeenValue, 1));
    }

    [Fact]
    public void FirstLast_ResultTypeIsInputType()
    {
        Assert.Equal(DataType.Timestamp, new FirstFunction(DataType.Timestamp).ResultType);
        Assert.Equal(DataType.Window, new LastFunction(DataType.Window).ResultType);
    }
}
