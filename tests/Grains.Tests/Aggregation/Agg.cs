using Sluice.Data;
using Sluice.Operators.Aggregation;
using Sluice.State.Encoding;

namespace Sluice.Tests.Aggregation;

/// <summary>Drives one aggregate function the way a groupBy does: buffers at an offset, stored and reloaded through RowCodec.</summary>
internal static class Agg
{
    /// <summary>The function's slots start here, after a sentinel slot it must leave alone.</summary>
    private const int Offset = 1;

    private static readonly object Sentinel = "sentinel";

    public static readonly StreamSchema Schema = new(
    [
        new Column("user", DataType.String),
        new Column("amount", DataType.Double),
        new Column("qty", DataType.Int),
        new Column("big", DataType.Long),
        new Column("flag", DataType.Boolean),
        new Column("ts", DataType.Timestamp),
        new Column("data", DataType.Binary),
        new Column("window", DataType.Window),
    ]);

    public static object?[] NewBuffer(IAggregateFunction function)
    {
        var buffer = new object?[Offset + function.BufferSlots];
        buffer[0] = Sentinel;
        function.Initialize(buffer, Offset);
        return buffer;
    }

    /// <summary>One pass over all inputs.</summary>
    public static object? Run(IAggregateFunction function, params object?[] inputs) =>
        function.Evaluate(Fold(function, inputs), Offset);

    /// <summary>Every way to split the inputs into two partials, each stored and reloaded, then merged.</summary>
    public static IEnumerable<object?> MergedResults(IAggregateFunction function, params object?[] inputs)
    {
        for (var split = 0; split <= inputs.Length; split++)
        {
            var left = Reload(Fold(function, inputs[..split]));
            var right = Reload(Fold(function, inputs[split..]));
            function.Merge(left, Offset, right, Offset);
            Assert.Equal(Sentinel, left[0]);
            yield return function.Evaluate(left, Offset);
        }
    }

    /// <summary>Asserts that merging partials gives the single-pass result for every split, and returns that result.</summary>
    public static object? RunAndCheckMerge(IAggregateFunction function, params object?[] inputs)
    {
        var single = Run(function, inputs);
        Assert.All(MergedResults(function, inputs), merged => Assert.Equal(single, merged));
        return single;
    }

    public static object?[] Fold(IAggregateFunction function, object?[] inputs)
    {
        var buffer = NewBuffer(function);
        foreach (var input in inputs)
        {
            function.Update(buffer, Offset, input);
        }
        Assert.Same(Sentinel, buffer[0]);
        return buffer;
    }

    /// <summary>What the state store does to a buffer: encode, decode.</summary>
    public static object?[] Reload(object?[] buffer) => RowCodec.Decode(RowCodec.Encode(buffer));
}
