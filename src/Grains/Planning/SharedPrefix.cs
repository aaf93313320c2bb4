using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Whether a join's right input repeats the query's own input up to its first stateful operator: the same source
/// (its <c>name</c> aside, except for a memory source, whose name is the stream it reads) and the same operators, in
/// order, up to and including that operator. Such an input reads, filters and keeps state exactly as the left side
/// does, so the planner runs that part once and gives the right input a branch of its stage
/// (<see cref="StageBuilder.Branch"/>). Specs are compared as <see cref="SpecWriter"/> writes them, so any differing
/// option, filter, watermark delay, window or aggregate keeps the inputs apart.
/// </summary>
internal static class SharedPrefix
{
    /// <param name="count">How many of the query's operators the prefix has (the stateful one last).</param>
    public static bool Matches(QuerySpec spec, SubStreamSpec right, int count) =>
        SpecOptions.SharesSubPlans(spec)
        && right.Operators.Count >= count
        && Text(spec, spec.Source, spec.Operators.Take(count)) == Text(spec, right.Source with { Name = Name(spec.Source, right.Source) }, right.Operators.Take(count));

    private static string? Name(SourceSpec main, SourceSpec right) => right.Kind == "memory" ? right.Name : main.Name;

    /// <summary>
    /// Whether two streams read the same source (a self-union or self-join, which Spark plans as one source read twice):
    /// the same spec, <c>name</c> included, so that two reads of one topic or folder under two names are two sources
    /// in progress, as two <c>load()</c> calls are in Spark. Sharing a read (<see cref="Matches"/>) ignores the name.
    /// </summary>
    public static bool SameSource(SourceSpec first, SourceSpec second) => SourceText(first) == SourceText(second);

    private static string SourceText(SourceSpec source) =>
        SpecWriter.Write(new QuerySpec { Name = "source", Source = source, Sink = new SinkSpec { Kind = "memory" } }, indented: false);

    private static string Text(QuerySpec spec, SourceSpec source, IEnumerable<OperatorSpec> operators) =>
        SpecWriter.Write(new QuerySpec { Name = "prefix", Source = source, Operators = [.. operators], Sink = spec.Sink }, indented: false);
}
