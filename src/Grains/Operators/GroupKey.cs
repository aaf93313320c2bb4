using Sluice.Data;
using Sluice.Expressions;
using Sluice.Expressions.Evaluation;

namespace Sluice.Operators;

/// <summary>
/// One grouping key of a groupBy: a scalar expression, or <c>window(col, size[, slide])</c> over an event-time
/// column (a row falls in one tumbling window or in several sliding ones).
/// </summary>
internal sealed class GroupKey
{
    private GroupKey(string name, DataType type, CompiledExpression? scalar, WindowExpr? window, int timeIndex, SessionWindowExpr? session = null, CompiledExpression? sessionGap = null, bool timeFromWindow = false, int column = -1)
    {
        _timeFromWindow = timeFromWindow;
        Column = column;
        Session = session;
        SessionGap = sessionGap;
        Name = name;
        Type = type;
        Scalar = scalar;
        Window = window;
        TimeIndex = timeIndex;
    }

    public string Name { get; }
    public DataType Type { get; }
    public CompiledExpression? Scalar { get; }
    public WindowExpr? Window { get; }

    /// <summary>A <c>session_window(col, gap)</c> key (its windows come from the session merge, not from the row).</summary>
    public SessionWindowExpr? Session { get; }

    /// <summary>The per-row gap of a <c>session_window</c> whose gap is not a constant: a duration string.</summary>
    public CompiledExpression? SessionGap { get; }

    /// <summary>The input column a window is computed over (-1 for a scalar key).</summary>
    public int TimeIndex { get; }

    /// <summary>The input column a scalar key is, when it is a bare column reference (-1 otherwise): a columnar route reads it directly.</summary>
    public int Column { get; }

    /// <summary>Whether the window is computed over a window column's event time (<c>window_time</c>) rather than a timestamp column.</summary>
    public bool TimeFromWindow => _timeFromWindow;

    /// <summary>Whether <see cref="TimeIndex"/> is a window struct whose event time (<c>window_time</c>) the window is computed over.</summary>
    private readonly bool _timeFromWindow;

    /// <summary>The event time a window key is computed from: the time column, or a window column's <c>end - 1 µs</c> (Spark's <c>window_time</c>).</summary>
    public DateTime? TimeOf(object?[] row) => row[TimeIndex] switch
    {
        DateTime t => t,
        StructValue w when _timeFromWindow => TimeWindows.EventTime(w),
        _ => null,
    };

    public static GroupKey Compile(string text, StreamSchema input)
    {
        var syntax = ExpressionCompiler.Parse(text);
        var name = syntax is AliasExpr alias ? alias.Name : ExpressionCompiler.AutoName(syntax, input);
        var inner = syntax is AliasExpr a ? a.Inner : syntax;
        if (inner is WindowExpr window)
        {
            // A window over a window (a second windowed aggregation) is over its event time, window_time(w), as Spark's.
            var time = window.TimeColumn is FunctionCall { Name: "window_time", Arguments: [ColumnRef ofWindow] } ? ofWindow : window.TimeColumn;
            var overWindow = time is ColumnRef r && input.IndexOf(r.Name) is var w && w >= 0 && input[w].Type.Equals(DataType.Window);
            return overWindow
                ? new GroupKey(name, DataType.Window, null, window, input.IndexOf(((ColumnRef)time).Name), timeFromWindow: true)
                : new GroupKey(name, DataType.Window, null, window, TimeColumn(window.TimeColumn, "window", input, text));
        }
        if (inner is SessionWindowExpr session)
        {
            var gap = session.GapExpression is { } gapSyntax ? ExpressionCompiler.Compile(gapSyntax, input, text) : null;
            if (gap is not null && gap.Type.Kind is not (DataTypeKind.String or DataTypeKind.Null))
            {
                throw new ExpressionException(
                    $"the gap of session_window() must be a duration string such as '10 seconds', but '{ExprPrinter.Print(session.GapExpression!, input)}' is {gap.Type}", text);
            }
            return new GroupKey(name, DataType.Window, null, null, TimeColumn(session.TimeColumn, "session_window", input, text), session, gap);
        }
        if (ExpressionCompiler.ContainsAggregate(inner))
        {
            throw new ExpressionException($"aggregate functions are not allowed in groupBy keys; put them in aggs", text);
        }
        var scalar = ExpressionCompiler.Compile(inner, input, text);
        return new GroupKey(name, scalar.Type, scalar, null, -1, column: inner is ColumnRef c ? input.IndexOf(c.Name) : -1);
    }

    private static int TimeColumn(Expr column, string function, StreamSchema input, string text)
    {
        if (column is not ColumnRef c || input.IndexOf(c.Name) is var index && index < 0)
        {
            throw new ExpressionException($"{function}() needs a timestamp column of the input; available columns: {input.Describe()}", text);
        }
        return input[index].Type.Kind == DataTypeKind.Timestamp
            ? index
            : throw new ExpressionException($"{function}() needs a timestamp column, but '{c.Name}' is {input[index].Type}", text);
    }

    /// <summary>
    /// The windows a timestamp falls in, as Spark assigns them (start inclusive, end exclusive): starts are
    /// <c>offset + k * slide</c> after the Unix epoch (not after DateTime's year 1, which differs for slides that do not
    /// divide a day, such as a week: Spark's weeks start on Thursdays, as 1970-01-01 did).
    /// </summary>
    public void WindowsOf(DateTime time, List<StructValue> output)
    {
        var w = Window!;
        long t = time.Ticks, size = w.Size.Ticks, slide = w.Slide.Ticks, offset = w.StartOffset.Ticks;
        var lastStart = LastWindowStart(t, slide, offset);
        for (var start = lastStart; start > t - size; start -= slide)
        {
            output.Add(WindowAt(start, size, slide));
        }
    }

    /// <summary>
    /// The window starting at <paramref name="startTicks"/>. Rows come roughly in time order, so the windows of the
    /// last few starts are kept (a window value is immutable and may be shared by every row in it).
    /// </summary>
    private StructValue WindowAt(long startTicks, long sizeTicks, long slideTicks)
    {
        var slot = (int)((ulong)(startTicks / slideTicks) % (ulong)_recentWindows.Length);
        if (_recentWindows[slot] is { } cached && ((DateTime)cached.Values[0]!).Ticks == startTicks)
        {
            return cached;
        }
        var window = new StructValue([new DateTime(startTicks, DateTimeKind.Utc), new DateTime(startTicks + sizeTicks, DateTimeKind.Utc)]);
        _recentWindows[slot] = window;
        return window;
    }

    private readonly StructValue?[] _recentWindows = new StructValue?[8];

    /// <summary>The latest window start at or before <paramref name="ticks"/> (Spark's <c>lastStart</c>, aligned to the Unix epoch).</summary>
    public static long LastWindowStart(long ticks, long slideTicks, long offsetTicks) =>
        ticks - Mod(ticks - DateTime.UnixEpoch.Ticks - offsetTicks, slideTicks);

    private static long Mod(long a, long m) => ((a % m) + m) % m;
}
