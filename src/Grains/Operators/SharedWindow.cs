using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// The groups a window's close emits share one decoded window value instead of a copy each: a window closing
/// millions of groups holds its output until the sink commits, and the copies were more than half of it.
/// </summary>
internal sealed class SharedWindow(int keyIndex)
{
    private StructValue? _last;

    // The encoded bytes of _last when it is a key's first value: every stored key of that window starts with them.
    private byte[]? _prefix;
    private int _width;

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
                _prefix = null;
            }
        }
        return keyValues;
    }

    /// <summary>
    /// A stored key's values, as <see cref="Share"/> of <see cref="RowCodec.Decode"/> gives them. A key that starts with
    /// the bytes of the last window (the window is its first value, as a close by the store's prefix scan reads them)
    /// takes that window and decodes only the rest: decoding the window (a struct, its array, two boxed times) for
    /// each of a close's millions of groups was most of the close's garbage.
    /// </summary>
    public object?[] Decode(byte[] key)
    {
        if (_prefix is { } prefix && key.AsSpan().StartsWith(prefix))
        {
            var values = new object?[_width];
            values[0] = _last;
            var reader = new RowReader(key.AsSpan(prefix.Length));
            var count = 1;
            while (!reader.End && count < values.Length)
            {
                values[count++] = reader.ReadValue(depth: 0);
            }
            if (reader.End && count == values.Length)
            {
                return values;
            }
        }
        var decoded = Share(RowCodec.Decode(key));
        if (keyIndex == 0 && decoded.Length > 0 && ReferenceEquals(decoded[0], _last) && _prefix is null)
        {
            var first = RowCodec.EncodeScratch(decoded.AsSpan(0, 1));
            if (key.AsSpan().StartsWith(first))
            {
                (_prefix, _width) = (key[..first.Length], decoded.Length);
            }
        }
        return decoded;
    }
}
