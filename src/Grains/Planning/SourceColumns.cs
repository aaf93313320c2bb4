using Sluice.Data;
using Sluice.Operators;

namespace Sluice.Planning;

/// <summary>
/// Which source columns a columnar read must fill (<see cref="StreamPlan.ColumnsRead"/>): the columns the first stateful
/// operator's columnar route reads, mapped back through the stream's columnar prefix (a select reads what its needed
/// outputs reference, a filter and withWatermark add their own). Anything else reads every column: a prefix that runs
/// on rows, a route that runs on rows (the row path needs whole rows), or a stateless query (its rows go to the sink).
/// </summary>
internal static class SourceColumns
{
    /// <returns>One flag per source column, or null to read them all.</returns>
    public static IReadOnlyList<bool>? Read(IReadOnlyList<IRowOperator> prefix, StreamSchema source, StreamSchema prefixOutput, IColumnarRoute? route, StreamSchema? routeInput)
    {
        // A stream whose rows are not laid out as the route's input (a stream-stream join's other side) is not mapped.
        if (route is not { RoutesColumns: true } || routeInput is null || !SameLayout(prefixOutput, routeInput))
        {
            return null;
        }
        var needed = new bool[prefixOutput.Count];
        foreach (var column in route.InputColumns)
        {
            if (column < 0 || column >= needed.Length)
            {
                return null;
            }
            needed[column] = true;
        }
        for (var i = prefix.Count - 1; i >= 0; i--)
        {
            if (prefix[i] is not IColumnarOperator { IsColumnar: true } op || op.InputColumns(needed) is not { } input)
            {
                return null;
            }
            needed = input;
        }
        return needed.Length == source.Count && Array.IndexOf(needed, false) >= 0 ? needed : null;
    }

    private static bool SameLayout(StreamSchema a, StreamSchema b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!a[i].Type.Equals(b[i].Type))
            {
                return false;
            }
        }
        return true;
    }
}
