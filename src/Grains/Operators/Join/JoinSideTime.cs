using Sluice.Data;
using Sluice.Planning;

namespace Sluice.Operators.Join;

/// <summary>
/// The column of one join input that carries its watermark: the <c>withWatermark</c> column, or, when a select kept
/// only a window of it, that window column (compared by its end, as Spark compares a window attribute).
/// </summary>
internal sealed record JoinSideTime(int Index, string Name, bool IsWindow)
{
    public static JoinSideTime? Of(IPipelineEnd stream)
    {
        if (stream.Watermark is { } w && stream.Schema[w.Index].Type.Kind == DataTypeKind.Timestamp)
        {
            return new JoinSideTime(w.Index, w.Name, IsWindow: false);
        }
        return stream.WatermarkWindows.Count > 0 ? new JoinSideTime(stream.WatermarkWindows[0], stream.Schema[stream.WatermarkWindows[0]].Name, IsWindow: true) : null;
    }

    /// <summary>Whether a column of this input carries the watermark (the time column or a window of it).</summary>
    public static bool Carries(IPipelineEnd stream, string column)
    {
        var index = stream.Schema.IndexOf(column);
        return index >= 0 && (stream.Watermark?.Index == index || stream.WatermarkWindows.Contains(index));
    }

    /// <summary>A timestamp, or a window's end, in epoch ms; null for NULL.</summary>
    public static long? Ms(object? value) => value switch
    {
        DateTime t => EventTimes.ToMs(t),
        StructValue { Values: [_, DateTime end, ..] } => EventTimes.ToMs(end),
        _ => null,
    };
}
