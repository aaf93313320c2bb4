using Sluice.Data;

namespace Sluice.Operators;

/// <summary>
/// The groups a window's close emits share one decoded window value instead of a copy each: a window closing
/// millions of groups holds its output until the sink commits, and the copies were more than half of it.
/// </summary>
internal sealed class SharedWindow(int keyIndex)
{
    private StructValue? _last;

    /// <summary>Puts the last window seen in place of an equal one in <paramref name="keyValues"/>.</summary>
    public object?[] Share(object?[] keyValues)
    {
        if (keyIndex >= 0 && keyValues[keyIndex] is StructValue window)
        {
            if (window.Equals(_last))
            {
                keyValues[keyIndex] = _last;
            }
            else
            {
                _last = window;
            }
        }
        return keyValues;
    }
}
