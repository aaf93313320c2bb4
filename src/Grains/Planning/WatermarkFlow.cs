using Sluice.Operators.Join;

namespace Sluice.Planning;

/// <summary>
/// What a stateful operator does to the watermark (Spark 3.5's <c>StateStoreWriter.produceOutputWatermark</c>): an
/// aggregation or a deduplication passes its input watermark on (it never emits a row behind it: a window is emitted
/// once the watermark reaches its end, and its event time, <c>window_time</c>, is <c>end - 1 µs</c>); a
/// stream-stream join lowers it to the lowest state watermark of its sides (the rows it may still emit); a
/// <c>[flat]MapGroupsWithState</c> emits rows of any time, so nothing after it has a watermark.
/// </summary>
internal abstract class WatermarkFlow
{
    public static WatermarkFlow PassThrough { get; } = new Identity();

    public static WatermarkFlow None { get; } = new Stop();

    /// <summary>The output watermark for an input watermark; null: the output carries none.</summary>
    public abstract long? Output(long inputMs);

    public static WatermarkFlow Join(StreamJoinOperator join) => new JoinFlow(join);

    private sealed class Identity : WatermarkFlow
    {
        public override long? Output(long inputMs) => inputMs;
    }

    private sealed class Stop : WatermarkFlow
    {
        public override long? Output(long inputMs) => null;
    }

    /// <summary>
    /// Spark's <c>StreamingSymmetricHashJoinExec.produceOutputWatermark</c>: the least of the input watermark and each
    /// side's state watermark (the threshold its stored rows are evicted by, <see cref="StreamJoinOperator.Threshold"/>):
    /// the output cannot hold rows older than what the join still keeps.
    /// </summary>
    private sealed class JoinFlow(StreamJoinOperator join) : WatermarkFlow
    {
        public override long? Output(long inputMs)
        {
            if (inputMs == long.MaxValue)
            {
                return inputMs;
            }
            var output = inputMs;
            foreach (var side in (int[])[StreamJoinOperator.Left, StreamJoinOperator.Right])
            {
                if (join.Threshold(side, inputMs) is { } threshold)
                {
                    output = Math.Min(output, threshold);
                }
            }
            return output;
        }
    }
}
