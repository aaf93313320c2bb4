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
        With(new WithWatermarkSpec(eventTimeColumn, Durations.Parse(delay)));

    /// <summary>Describes the sink, output mode, trigger and checkpoint.</summary>
    public DataStreamWriter WriteStream() => new(_client, this);

    private StreamFrame With(OperatorSpec op) => new(_client, Source, [.. Operators, op]);
}
