using Sluice.Columnar;
using Sluice.Data;

namespace Sluice.Tests.Columnar;

/// <summary>Random rows of every type the kernels handle (with NULLs and edge values), laid into reused column batches.</summary>
internal sealed class KernelRandomData(int seed, bool nulls = true)
{
    public static readonly StreamSchema Schema = new(
    [
        new Column("i", DataType.Int),
        new Column("j", DataType.Int),
        new Column("l", DataType.Long),
        new Column("d", DataType.Double),
        new Column("e", DataType.Double),
        new Column("b", DataType.Boolean),
        new Column("c", DataType.Boolean),
        new Column("s", DataType.String),
        new Column("u", DataType.String),
        new Column("t", DataType.Timestamp),
        new Column("w", DataType.Window),
    ]);

    private static readonly int[] Ints = [0, 1, -1, 2, 3, 7, -7, 100, 255, int.MaxValue, int.MinValue, 1_000_000];
    private static readonly long[] Longs = [0, 1, -1, 3, -3, 60, long.MaxValue, long.MinValue, 10_000_000_000L, 253_402_300_800L, -62_135_596_801L];
    private static readonly double[] Doubles = [0.0, -0.0, 1.5, -2.5, 3.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1e-5, 0.1, 2147483648.5, 1e19];
    private static readonly string[] Strings =
    [
        "", "a", "abc", "ABC", "Hello", "hello", " 12 ", "12", "-3", "1.5", "1e3", "true", "no", "Y", "2024-01-01 10:00:00",
        "2024-02-30", "2024-03-05T01:02:03.123456Z", "NaN", "-Infinity", "inf", "ß", "😀x", "x😀y", "İi", "ǅ", "9999999999", "2147483648", "a%b",
    ];

    private readonly Random _random = new(seed);

    public List<object?[]> Rows(int count)
    {
        var rows = new List<object?[]>(count);
        for (var r = 0; r < count; r++)
        {
            rows.Add(Schema.Columns.Select(c => Value(c.Type)).ToArray());
        }
        return rows;
    }

    private object? Value(DataType type)
    {
        if (nulls && _random.Next(5) == 0)
        {
            return null;
        }
        return type.Kind switch
        {
            DataTypeKind.Int => _random.Next(3) == 0 ? _random.Next(-1000, 1000) : Ints[_random.Next(Ints.Length)],
            DataTypeKind.Long => _random.Next(3) == 0 ? _random.NextInt64(-1_000_000, 1_000_000) : Longs[_random.Next(Longs.Length)],
            DataTypeKind.Double => _random.Next(3) == 0 ? Math.Round(_random.NextDouble() * 200 - 100, _random.Next(4)) : Doubles[_random.Next(Doubles.Length)],
            DataTypeKind.Boolean => _random.Next(2) == 0,
            DataTypeKind.String => Strings[_random.Next(Strings.Length)],
            DataTypeKind.Timestamp => Time(),
            _ => new StructValue([Time(), Time()]),
        };
    }

    private DateTime Time() => _random.Next(6) switch
    {
        0 => DateTime.UnixEpoch,
        1 => new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(_random.Next(10_000_000)),
        _ => new DateTime(_random.NextInt64(new DateTime(1960, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks), DateTimeKind.Utc),
    };

    /// <summary>Refills <paramref name="batch"/> as a reader does (vectors and dictionaries kept), with a random selection half the time.</summary>
    public void Fill(ColumnBatch batch, List<object?[]> rows)
    {
        batch.Reset();
        for (var c = 0; c < Schema.Count; c++)
        {
            var vector = batch.Column(c);
            vector.Reserve(rows.Count);
            foreach (var row in rows)
            {
                vector.AppendValue(row[c]);
            }
        }
        batch.RowCount = rows.Count;
        if (_random.Next(2) == 0)
        {
            var selection = batch.SelectionBuffer();
            var n = 0;
            for (var r = 0; r < rows.Count; r++)
            {
                if (_random.Next(3) != 0)
                {
                    selection[n++] = r;
                }
            }
            batch.SetSelection(n);
        }
    }

    /// <summary>The rows a batch selects.</summary>
    public static List<object?[]> Selected(ColumnBatch batch, List<object?[]> rows)
    {
        var selected = new List<object?[]>();
        for (var i = 0; i < batch.SelectedCount; i++)
        {
            selected.Add(rows[batch.RowAt(i)]);
        }
        return selected;
    }

    /// <summary>
    /// A random expression text from a small grammar over the schema's columns: every operator the kernels handle, plus
    /// some that run row at a time. Many are ill-typed; the caller skips those the compiler rejects.
    /// </summary>
    public string Expression(int depth)
    {
        if (depth == 0 || _random.Next(4) == 0)
        {
            return Leaf();
        }
        string E() => Expression(depth - 1);
        return _random.Next(24) switch
        {
            0 or 1 or 2 => $"({E()} {Pick("+", "-", "*", "/", "%")} {E()})",
            3 or 4 or 5 => $"({E()} {Pick("=", "<>", "<", "<=", ">", ">=", "<=>", "!=")} {E()})",
            6 or 7 => $"({E()} {Pick("AND", "OR")} {E()})",
            8 => $"(NOT {E()})",
            9 => $"(-{E()})",
            10 => $"({E()} IS {Pick("", "NOT ")}NULL)",
            11 or 12 => $"CAST({E()} AS {Pick("int", "bigint", "double", "boolean", "string", "timestamp")})",
            13 => $"{Pick("upper", "lower", "length", "ucase")}({E()})",
            14 => $"substring({E()}, {E()})",
            15 => $"substring({E()}, {Pick("1", "2", "0", "-2", "100")}, {Pick("1", "3", "0", "-1")})",
            16 => $"substr({E()}, {E()}, {E()})",
            17 => $"concat({E()}, {E()}{Pick("", ", s", ", 'x'")})",
            18 => $"({E()} || {E()})",
            19 => $"({E()} BETWEEN {E()} AND {E()})",
            20 => _random.Next(2) == 0 ? $"({E()} LIKE 'a%')" : $"({E()} {Pick("+", "-")} INTERVAL {Pick("1", "90", "-3")} {Pick("SECONDS", "HOURS", "DAYS")})",
            21 => $"CASE WHEN {E()} THEN {E()} ELSE {E()} END",
            22 => $"coalesce({E()}, {E()})",
            _ => $"({E()} IN ({E()}, {E()}))",
        };
    }

    private string Leaf() => _random.Next(3) == 0
        ? Pick("1", "0", "-3", "2147483647", "3000000000", "1.5", "0.0", "'abc'", "'12'", "' 7 '", "NULL", "true", "false", "'2024-01-01'", "'a'", "w.start")
        : Schema[_random.Next(Schema.Count - 1)].Name;

    private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];
}
