using Sluice.Columnar;
using Sluice.Data;
using Sluice.Sources;

namespace Sluice.Tests.Columnar;

/// <summary>Compares a columnar read with the row path's rows value by value, CLR type and bits included.</summary>
internal static class ColumnarEquivalence
{
    /// <summary>Asserts that <paramref name="batch"/>'s read columns hold exactly <paramref name="expected"/> (through <see cref="ColumnBatch.AppendRowsTo"/> when every column is read).</summary>
    public static void AssertSameRows(IReadOnlyList<object?[]> expected, ColumnBatch batch, string context)
    {
        Assert.True(expected.Count == batch.RowCount, $"{context}: {batch.RowCount} rows, expected {expected.Count}");
        var all = Enumerable.Range(0, batch.Schema.Count).All(batch.IsRead);
        var actual = new List<object?[]>();
        if (all)
        {
            batch.AppendRowsTo(actual);
        }
        for (var r = 0; r < expected.Count; r++)
        {
            for (var c = 0; c < batch.Schema.Count; c++)
            {
                if (!batch.IsRead(c))
                {
                    continue;
                }
                var value = all ? actual[r][c] : batch.Column(c).GetValue(r);
                Assert.True(Same(expected[r][c], value),
                    $"{context}: row {r} column '{batch.Schema[c].Name}' is {Show(value)}, expected {Show(expected[r][c])}");
            }
        }
    }

    /// <summary>
    /// Reads [start, end) as rows from <paramref name="rowReader"/> and as columns from <paramref name="columnReader"/>
    /// (a twin reader, or the same one), and asserts the same counts and rows, or the same error.
    /// </summary>
    public static async Task AssertSameReadAsync(IPartitionReader rowReader, IColumnarPartitionReader columnReader, ColumnBatch batch, long start, long end)
    {
        var rows = new List<object?[]>();
        var (expected, expectedError) = await Try(() => rowReader.ReadAsync(start, end, rows, CancellationToken.None));
        batch.Reset();
        var (actual, actualError) = await Try(() => columnReader.ReadColumnsAsync(start, end, batch, CancellationToken.None));
        Assert.Equal(expectedError, actualError);
        Assert.Equal(expected, actual);
        if (expectedError is null)
        {
            AssertSameRows(rows, batch, $"[{start}, {end})");
        }
    }

    private static async Task<(ReadResult Result, string? Error)> Try(Func<Task<ReadResult>> read)
    {
        try
        {
            return (await read().WaitAsync(TimeSpan.FromSeconds(60)), null);
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            return (default, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Equal values of the same CLR type; doubles bit for bit, timestamps with their kind.</summary>
    public static bool Same(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        _ when expected.GetType() != actual.GetType() => false,
        (double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
        (DateTime a, DateTime b) => a.Ticks == b.Ticks && a.Kind == b.Kind,
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        (object?[] a, object?[] b) => a.Length == b.Length && a.Zip(b).All(p => Same(p.First, p.Second)),
        (StructValue a, StructValue b) => Same(a.Values, b.Values),
        _ => expected.Equals(actual),
    };

    public static string Show(object? value) => value switch
    {
        null => "NULL",
        byte[] b => Convert.ToBase64String(b),
        object?[] a => "[" + string.Join(", ", a.Select(Show)) + "]",
        StructValue s => "{" + string.Join(", ", s.Values.Select(Show)) + "}",
        _ => $"{value} ({value.GetType().Name})",
    };
}
