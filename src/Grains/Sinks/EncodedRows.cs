using System.Buffers;
using System.Collections;

namespace Sluice.Sinks;

/// <summary>
/// A writer's staged rows held as bytes until the sink commits, each row decoded again when read. A window's close in
/// append mode stages millions of rows at once and the sink holds them until its commit; as <c>object?[]</c> rows of
/// boxed values that is about 100 bytes a row, encoded about 20 (a value equal to the previous row's in the same column,
/// such as the window every row of a close shares, is one byte).
/// The encoding is exact for every value it accepts (a double keeps its bits, a timestamp its kind, a value shared with
/// the previous row stays shared); <see cref="TryEncode"/> refuses rows with any other value, which stay as objects.
/// Rows are kept in blocks of <see cref="BlockRows"/>, each starting afresh, so reading row <c>i</c> decodes at most a
/// block; reading in order decodes each row once. Safe to read from several threads.
/// </summary>
internal sealed class EncodedRows : IReadOnlyList<object?[]>
{
    internal const int BlockRows = 16;
    private const int ChunkBytes = 1 << 20;

    private readonly List<byte[]> _chunks;
    // Bytes used in each chunk: a row never spans chunks, and a block's rows continue in the next chunk when one fills.
    private readonly List<int> _used;
    // Where each block starts: chunk index in the high 32 bits, offset in the low.
    private readonly long[] _blocks;
    private readonly int _width;
    private Cursor _last;

    private EncodedRows(List<byte[]> chunks, List<int> used, long[] blocks, int count, int width)
    {
        _chunks = chunks;
        _used = used;
        _blocks = blocks;
        Count = count;
        _width = width;
        _last = new Cursor(-1, 0, 0, []);
    }

    public int Count { get; }

    /// <summary>Bytes held (the chunks' capacity).</summary>
    public long Bytes => _chunks.Sum(c => (long)c.Length) + (_blocks.Length * sizeof(long));

    /// <summary>The rows encoded, or null when a row holds a value this encoding does not keep exactly, or rows differ in width.</summary>
    public static EncodedRows? TryEncode(IReadOnlyList<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var width = rows.Count > 0 ? rows[0].Length : 0;
        var chunks = new List<byte[]> { new byte[ChunkBytes] };
        var blocks = new long[(rows.Count + BlockRows - 1) / BlockRows];
        var used = new List<int> { 0 };
        var scratch = new ArrayBufferWriter<byte>(256);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Length != width)
            {
                return null;
            }
            scratch.ResetWrittenCount();
            var previous = i % BlockRows == 0 ? null : rows[i - 1];
            for (var c = 0; c < width; c++)
            {
                if (previous is not null && IsSame(row[c], previous[c]))
                {
                    Write(scratch, RowValueCodec.Same);
                }
                else if (!RowValueCodec.TryWrite(scratch, row[c], depth: 0))
                {
                    return null;
                }
            }
            var bytes = scratch.WrittenSpan;
            if (used[^1] + bytes.Length > chunks[^1].Length)
            {
                chunks.Add(new byte[Math.Max(ChunkBytes, bytes.Length)]);
                used.Add(0);
            }
            if (i % BlockRows == 0)
            {
                blocks[i / BlockRows] = ((long)(chunks.Count - 1) << 32) | (uint)used[^1];
            }
            bytes.CopyTo(chunks[^1].AsSpan(used[^1]));
            used[^1] += bytes.Length;
        }
        // The last chunk keeps only what it holds.
        chunks[^1] = chunks[^1].AsSpan(0, used[^1]).ToArray();
        return new EncodedRows(chunks, used, blocks, rows.Count, width);
    }

    public object?[] this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            // Reading in order (a for loop) continues from the row read last; cursors are immutable, so threads that
            // read at once each continue from a consistent one or start their block afresh.
            var last = Volatile.Read(ref _last);
            var cursor = last.Index == index - 1 && index % BlockRows != 0
                ? last
                : new Cursor((index / BlockRows * BlockRows) - 1, (int)(_blocks[index / BlockRows] >> 32), (int)_blocks[index / BlockRows], []);
            while (cursor.Index < index)
            {
                cursor = Next(cursor);
            }
            Volatile.Write(ref _last, cursor);
            return (object?[])cursor.Row.Clone();
        }
    }

    public IEnumerator<object?[]> GetEnumerator()
    {
        Cursor? cursor = null;
        for (var i = 0; i < Count; i++)
        {
            cursor = i % BlockRows == 0 ? new Cursor(i - 1, (int)(_blocks[i / BlockRows] >> 32), (int)_blocks[i / BlockRows], []) : cursor!;
            cursor = Next(cursor);
            yield return (object?[])cursor.Row.Clone();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Every row as objects (a sink that needs a list).</summary>
    public List<object?[]> ToList()
    {
        var list = new List<object?[]>(Count);
        list.AddRange(this);
        return list;
    }

    private Cursor Next(Cursor cursor)
    {
        var (chunk, offset) = cursor.Offset < _used[cursor.Chunk] ? (cursor.Chunk, cursor.Offset) : (cursor.Chunk + 1, 0);
        var span = _chunks[chunk].AsSpan(offset, _used[chunk] - offset);
        var read = 0;
        var row = new object?[_width];
        for (var c = 0; c < _width; c++)
        {
            row[c] = RowValueCodec.Read(span, ref read, cursor.Row, c);
        }
        return new Cursor(cursor.Index + 1, chunk, offset + read, row);
    }

    // Values that are the same object, or equal immutable values, decode to one shared object: as exact as the rows given.
    private static bool IsSame(object? value, object? previous) =>
        ReferenceEquals(value, previous) && value is not null
        || value is string s && previous is string p && string.Equals(s, p, StringComparison.Ordinal)
        || value is long l && previous is long q && l == q;

    private static void Write(ArrayBufferWriter<byte> writer, byte tag)
    {
        writer.GetSpan(1)[0] = tag;
        writer.Advance(1);
    }

    /// <summary>A row decoded, and where the next one starts.</summary>
    private sealed record Cursor(int Index, int Chunk, int Offset, object?[] Row);
}
