using System.Text;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.Sources.Parsing;

namespace Sluice.Tests.Columnar;

public sealed class JsonColumnParserTests
{
    private static readonly DataType Inner = DataType.Struct([new Column("a", DataType.Int), new Column("b", DataType.String)]);

    private static readonly Column[] EveryType =
    [
        new("s", DataType.String),
        new("i", DataType.Int),
        new("l", DataType.Long),
        new("d", DataType.Double),
        new("b", DataType.Boolean),
        new("t", DataType.Timestamp),
        new("bin", DataType.Binary),
        new("st", Inner),
        new("arr", DataType.Array(DataType.Long)),
        new("prénom", DataType.String),
    ];

    private static readonly StreamSchema WithCorrupt = new([.. EveryType, new Column(JsonRowParser.CorruptRecordColumn, DataType.String)]);
    private static readonly StreamSchema WithoutCorrupt = new(EveryType);

    /// <summary>What one record gave: its outcome, or the exception's type and message.</summary>
    private static string Result(Func<ParseOutcome> parse)
    {
        try
        {
            return parse().ToString();
        }
        catch (Exception e) when (e is MalformedRecordException or InvalidOperationException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    [Theory]
    [InlineData("PERMISSIVE")]
    [InlineData("DROPMALFORMED")]
    [InlineData("FAILFAST")]
    public void Parse_RandomRecords_GivesTheRowParsersRowsOutcomesAndErrors(string modeName)
    {
        var mode = ParseModes.Parse(modeName);
        for (var seed = 0; seed < 60; seed++)
        {
            var schema = seed % 2 == 0 ? WithCorrupt : WithoutCorrupt;
            var random = new Random(seed);
            // Every third run reads every column (compared through AppendRowsTo); the others a random subset.
            bool[]? read = seed % 3 == 0 ? null : [.. schema.Columns.Select(_ => random.Next(3) > 0)];
            var records = new RandomJsonRecords(schema, seed);
            var rowParser = new JsonRowParser(schema, mode);
            var columnParser = new JsonColumnParser(schema, mode);
            var batch = new ColumnBatch(schema, read);
            // A few batches through one parser and one batch, as a reader's reads: dictionaries carry over.
            for (var part = 0; part < 3; part++)
            {
                batch.Reset();
                columnParser.Begin(batch);
                var expected = new List<object?[]>();
                for (var n = 0; n < 120; n++)
                {
                    var utf8 = records.Next();
                    var context = $"mode {modeName} seed {seed} batch {part} record {n} '{Encoding.UTF8.GetString(utf8)}'";
                    var row = new object?[schema.Count];
                    var rowResult = Result(() => rowParser.Parse(utf8, row, "test record"));
                    var columnResult = Result(() => columnParser.Parse(utf8, "test record", static p => p));
                    Assert.True(rowResult == columnResult, $"{context}: columnar gave {columnResult}, rows gave {rowResult}");
                    if (rowResult is nameof(ParseOutcome.Ok) or nameof(ParseOutcome.Malformed))
                    {
                        expected.Add(row);
                    }
                    batch.RowCount = expected.Count;
                }
                ColumnarEquivalence.AssertSameRows(expected, batch, $"mode {modeName} seed {seed} batch {part}");
            }
            // Most records take the columnar path; only the malformed and odd ones are left to the row parser.
            Assert.InRange(columnParser.RowParsed, 30, 250);
        }
    }

    [Fact]
    public void Parse_RecordsCoverEveryPath()
    {
        // Guards the random test's reach: clean records, malformed ones and invalid UTF-8 all occur.
        var records = new RandomJsonRecords(WithCorrupt, 1);
        var parser = new JsonRowParser(WithCorrupt, ParseMode.Permissive);
        var outcomes = new Dictionary<string, int>();
        for (var n = 0; n < 2000; n++)
        {
            var key = Result(() => parser.Parse(records.Next(), new object?[WithCorrupt.Count], "x")).Split(':')[0];
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }
        Assert.True(outcomes.GetValueOrDefault(nameof(ParseOutcome.Ok)) > 200, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(ParseOutcome.Malformed)) > 200, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(InvalidOperationException)) >= 5, string.Join(", ", outcomes));
    }

    [Fact]
    public void Parse_FieldsOutOfOrderRepeatedAndInOtherCase_LastValueWins()
    {
        var schema = new StreamSchema([new Column("user", DataType.String), new Column("n", DataType.Long)]);
        var parser = new JsonColumnParser(schema, ParseMode.Permissive);
        var batch = new ColumnBatch(schema);
        parser.Begin(batch);

        parser.Parse("""{"n":1,"USER":"a","user":"b","n":null}"""u8, 0, static _ => "");
        parser.Parse("""{"N":2,"x":{"user":"c"}}"""u8, 0, static _ => "");
        batch.RowCount = 2;

        ColumnarEquivalence.AssertSameRows([["b", null], [null, 2L]], batch, "parsed");
    }

    [Fact]
    public void Parse_CleanRecordsWithKnownStrings_AllocateNothing()
    {
        var schema = new StreamSchema([new Column("user", DataType.String), new Column("amount", DataType.Double),
            new Column("time", DataType.Timestamp), new Column("skipped", DataType.String)]);
        var parser = new JsonColumnParser(schema, ParseMode.Permissive);
        var batch = new ColumnBatch(schema, [true, true, true, false]);
        var records = Enumerable.Range(0, 100)
            .Select(i => Encoding.UTF8.GetBytes($$"""{"user":"u{{i % 10}}","amount":{{i}}.5,"time":"2024-01-01T00:00:{{i % 60:00}}Z","skipped":"x{{i}}"}"""))
            .ToArray();
        void ReadAll()
        {
            batch.Reset();
            parser.Begin(batch);
            foreach (var record in records)
            {
                parser.Parse(record, 0, static _ => "");
            }
        }
        ReadAll();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            ReadAll();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Parse_AnIdAnotherParserReadBefore_ReusesItsString()
    {
        var schema = new StreamSchema([new Column("user", DataType.String)]);
        var strings = new Utf8StringCache();
        string? Read(string json)
        {
            // A parser and batch of their own, as another partition's reader has: nothing shared but the cache.
            var parser = new JsonColumnParser(schema, ParseMode.Permissive, strings);
            var batch = new ColumnBatch(schema);
            parser.Begin(batch);
            parser.Parse(Encoding.UTF8.GetBytes(json), 0, static _ => "");
            return batch.Column<StringVector>(0).GetString(0);
        }

        var first = Read("""{"user":"u12345"}""");
        var second = Read("""{"user":"u12345"}""");

        Assert.Equal("u12345", second);
        Assert.Same(first, second);
    }

    /// <summary>
    /// Ids that differ only in digits inside an 8-byte block (<c>loaded-user-1234</c>): another reader finds nearly all
    /// of the strings the first made. The cache's old hash (FNV over 8-byte blocks) put such ids in few slots and kept
    /// about a quarter of them.
    /// </summary>
    [Fact]
    public void Parse_IdsDifferingInDigitsInsideABlock_AnotherParserReusesNearlyAllTheirStrings()
    {
        var schema = new StreamSchema([new Column("user", DataType.String)]);
        var strings = new Utf8StringCache();
        var ids = Enumerable.Range(0, 2_000).Select(i => $"loaded-user-{i:D4}").ToArray();
        ColumnBatch Read()
        {
            var parser = new JsonColumnParser(schema, ParseMode.Permissive, strings);
            var batch = new ColumnBatch(schema);
            parser.Begin(batch);
            foreach (var id in ids)
            {
                parser.Parse(Encoding.UTF8.GetBytes($$"""{"user":"{{id}}"}"""), 0, static _ => "");
            }
            return batch;
        }

        var first = Read().Column<StringVector>(0);
        var second = Read().Column<StringVector>(0);

        // 2,000 ids in 131,072 slots: about 1% share a slot with another id when hashed evenly.
        var same = Enumerable.Range(0, ids.Length).Count(i => ReferenceEquals(first.GetString(i), second.GetString(i)));
        Assert.True(same >= ids.Length * 9 / 10, $"{same} of {ids.Length} ids were the strings the first parser made");
        Assert.Equal(ids, Enumerable.Range(0, ids.Length).Select(second.GetString));
    }

    [Fact]
    public void Parse_ManyDistinctIdsThroughOneCache_GivesEachItsOwnValue()
    {
        var schema = new StreamSchema([new Column("user", DataType.String)]);
        var strings = new Utf8StringCache();
        var ids = Enumerable.Range(0, 100_000).Select(i => i % 3 == 0 ? $"u{i}" : i % 3 == 1 ? $"prénom-{i}" : $"a-rather-long-identifier-of-more-than-48-bytes-{i}").ToArray();
        for (var round = 0; round < 2; round++)
        {
            var parser = new JsonColumnParser(schema, ParseMode.Permissive, strings);
            var batch = new ColumnBatch(schema);
            parser.Begin(batch);
            foreach (var id in ids)
            {
                parser.Parse(Encoding.UTF8.GetBytes($$"""{"user":"{{id}}"}"""), 0, static _ => "");
            }
            var vector = batch.Column<StringVector>(0);
            for (var i = 0; i < ids.Length; i++)
            {
                Assert.Equal(ids[i], vector.GetString(i));
            }
        }
    }

    [Fact]
    public void Parse_AColumnWhoseValuesNeverRecur_StopsFillingTheCache()
    {
        var schema = new StreamSchema([new Column("event", DataType.String)]);
        var strings = new Utf8StringCache();
        var events = new JsonColumnParser(schema, ParseMode.Permissive, strings);
        var batch = new ColumnBatch(schema);
        events.Begin(batch);
        for (var i = 0; i < Utf8StringCache.Usage.Window; i++)
        {
            events.Parse(Encoding.UTF8.GetBytes($$"""{"event":"e{{i}}"}"""), 0, static _ => "");
        }
        events.Parse("""{"event":"e-late"}"""u8, 0, static _ => "");
        var other = new JsonColumnParser(schema, ParseMode.Permissive, strings);
        var otherBatch = new ColumnBatch(schema);
        other.Begin(otherBatch);
        other.Parse("""{"event":"e-late"}"""u8, 0, static _ => "");

        // Judged unique after a window of misses: its later values are not cached, so another reader makes its own.
        Assert.Equal("e-late", otherBatch.Column<StringVector>(0).GetString(0));
        Assert.NotSame(batch.Column<StringVector>(0).GetString(Utf8StringCache.Usage.Window), otherBatch.Column<StringVector>(0).GetString(0));
    }

    /// <summary>
    /// W1's 100,000 user ids, each made a string once: another reader finds most of them in a cache of the default
    /// size (the shared one). 2^15 slots held at most 32,768 of them: the other lookups made new strings, the
    /// Kafka path's largest allocation after the engine's.
    /// </summary>
    [Fact]
    public void DefaultCache_OfAHundredThousandRecurringIds_KeepsMostOfThem()
    {
        var strings = new Utf8StringCache();
        var ids = Enumerable.Range(0, 100_000).Select(i => $"u{i}").ToArray();
        foreach (var id in ids)
        {
            strings.Add(Encoding.UTF8.GetBytes(id), id);
        }

        var kept = ids.Count(id => ReferenceEquals(strings.Find(Encoding.UTF8.GetBytes(id)), id));

        // Hashed evenly, a direct-mapped table of 2^17 slots keeps (1 - e^-r) / r of them, r = 100,000 / 2^17: 70%.
        Assert.True(kept >= ids.Length * 6 / 10, $"{kept} of {ids.Length} ids kept");
    }

    /// <summary>
    /// A reader knows its planned range: its columns are reserved for it at the start, so the first batch of a new
    /// reader (every partition's, at a query's start) does not grow each column by doubling.
    /// </summary>
    [Fact]
    public void Begin_WithTheExpectedRows_ParsesThemWithoutGrowingTheColumns()
    {
        var schema = new StreamSchema([new Column("n", DataType.Long), new Column("x", DataType.Double), new Column("kind", DataType.String)]);
        var parser = new JsonColumnParser(schema, ParseMode.Permissive, new Utf8StringCache(16));
        var records = Enumerable.Range(0, 5_000).Select(i => Encoding.UTF8.GetBytes($$"""{"n":{{i}},"x":{{i}}.5,"kind":"k{{i % 3}}"}""")).ToArray();
        // A first batch of a few records: the JIT's work and the three strings aside.
        parser.Begin(new ColumnBatch(schema), 3);
        foreach (var record in records[..3])
        {
            parser.Parse(record, 0, static _ => "");
        }
        var batch = new ColumnBatch(schema);

        parser.Begin(batch, records.Length);
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var record in records)
        {
            parser.Parse(record, 0, static _ => "");
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(records.Length, batch.Column(0).Count);
        Assert.True(allocated < 1_024, $"{allocated} bytes allocated parsing {records.Length} records into reserved columns");
    }
}
