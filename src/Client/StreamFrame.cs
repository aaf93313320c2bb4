using Sluice.Spec;

namespace Sluice.Client;

/// <summary>
/// An unbounded table: a source and the operators on it so far (Spark's streaming <c>DataFrame</c>).
/// Each method returns a new frame; <see cref="WriteStream"/> describes where its rows go.
/// </summary>
public sealed class StreamFrame
{
    private readonly SluiceClient _client;

    internal StreamFrame(SluiceClient client, SourceSpec source, IReadOnlyList<OperatorSpec> operators)
    {
        _client = client;
        Source = source;
        Operators = operators;
    }

    /// <summary>The source the frame reads.</summary>
    public SourceSpec Source { get; }

    /// <summary>The operators applied so far, in order.</summary>
    public IReadOnlyList<OperatorSpec> Operators { get; }

    /// <summary>Keeps rows where the Spark SQL <paramref name="condition"/> is true.</summary>
    public StreamFrame Where(string condition) => With(new FilterSpec(condition));

    /// <summary>Same as <see cref="Where"/> (Spark's <c>filter</c>).</summary>
    public StreamFrame Filter(string condition) => Where(condition);

    /// <summary>Spark SQL expressions, each optionally <c>AS alias</c> (Spark's <c>selectExpr</c>).</summary>
    public StreamFrame Select(params string[] columns) => With(new SelectSpec(columns));

    /// <summary>Declares the event-time column and how late rows may be (Spark's <c>withWatermark</c>).</summary>
    public StreamFrame WithWatermark(string eventTimeColumn, string delay) =>
        With(new WithWatermarkSpec(eventTimeColumn, WatermarkDelays.Parse(delay, out var error) ?? throw new FormatException(error)));

    /// <summary>Groups by key expressions (columns, <c>window(col, size[, slide])</c>) and aggregates (<c>count(*) AS n</c>, <c>sum(x) AS total</c>, ...).</summary>
    public StreamFrame GroupBy(IReadOnlyList<string> keys, IReadOnlyList<string> aggregates) => With(new GroupBySpec(keys, aggregates));

    /// <summary>Drops rows whose <paramref name="columns"/> (all columns when none) were seen before (Spark's <c>dropDuplicates</c>).</summary>
    public StreamFrame DropDuplicates(params string[] columns) => With(new DropDuplicatesSpec(columns.Length == 0 ? null : columns, WithinWatermark: false));

    /// <summary>Drops duplicates of <paramref name="columns"/> while the first one's event time is within the watermark delay.</summary>
    public StreamFrame DropDuplicatesWithinWatermark(params string[] columns) => With(new DropDuplicatesSpec(columns.Length == 0 ? null : columns, WithinWatermark: true));

    /// <summary>Spark's <c>flatMapGroupsWithState</c> with a registered processor; <paramref name="timeout"/> is <c>none</c>, <c>processingTime</c> or <c>eventTime</c>.</summary>
    public StreamFrame FlatMapGroupsWithState(IReadOnlyList<string> keys, string processor, string timeout = "none", string outputMode = "update") =>
        With(new GroupsWithStateSpec(true, keys, processor, timeout, Enum.Parse<OutputMode>(outputMode, ignoreCase: true)));

    /// <summary>Spark's <c>mapGroupsWithState</c>: one output row per call (update mode).</summary>
    public StreamFrame MapGroupsWithState(IReadOnlyList<string> keys, string processor, string timeout = "none") =>
        With(new GroupsWithStateSpec(false, keys, processor, timeout, OutputMode.Update));

    /// <summary>Spark's <c>union</c>: this stream's rows and <paramref name="other"/>'s, by column position (names from this one).</summary>
    public StreamFrame Union(StreamFrame other) => With(new UnionSpec(new SubStreamSpec(other.Source, other.Operators)));

    /// <summary>
    /// Joins with <paramref name="right"/>, a stream (stream-stream join: append mode; outer and semi joins need a watermark in
    /// the join keys, or watermarks and a time range in the condition) or a table (<see cref="DataStreamReader.Table"/>:
    /// stream-static join). <paramref name="joinType"/>: <c>inner</c>, <c>leftOuter</c>, <c>rightOuter</c>, <c>fullOuter</c>
    /// (stream-stream only), <c>leftSemi</c>, <c>leftAnti</c> (stream-static only). Column names must differ between the sides.
    /// </summary>
    public StreamFrame Join(StreamFrame right, string condition, string joinType = "inner") =>
        With(new JoinSpec(new SubStreamSpec(right.Source, right.Operators), joinType, condition));

    /// <summary>Describes the sink, output mode, trigger and checkpoint.</summary>
    public DataStreamWriter WriteStream() => new(_client, this);

    /// <summary>The same stream with rows typed <typeparamref name="T"/>, for LINQ lambdas (one property per column).</summary>
    public Typed.StreamFrame<T> As<T>() => new(this);

    internal SluiceClient Client => _client;

    private StreamFrame With(OperatorSpec op) => new(_client, Source, [.. Operators, op]);
}
