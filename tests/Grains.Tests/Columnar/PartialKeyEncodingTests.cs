using System.Buffers;
using System.Globalization;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Operators.Aggregation;
using Sluice.Planning;
using Sluice.State.Encoding;

namespace Sluice.Tests.Columnar;

/// <summary>
/// The agent's key encoding for partial aggregates (<see cref="LaneKeyWriter"/> with its string bytes kept by
/// dictionary code in <see cref="EncodedStrings"/>) against the row path's <see cref="RowCodec"/> keys: the same bytes
/// in the same key group, in the same order. One operator per query routes several batches, as an agent does, with its
/// string columns coded by dictionaries that persist and grow from batch to batch (a reader's, the generator's) or are
/// replaced or emptied, and with non-ASCII strings, NULLs, special doubles, timestamps and sliding windows (several per row).
/// </summary>
public sealed class PartialKeyEncodingTests
{
    private static readonly string[] Prefixes = ["s", "é", "日本", "😀", "\uFFFD", "Ωmega "];

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void RandomQueries_PayloadKeysAndKeyGroups_AreTheRowRoutes_AcrossBatchesOfPersistentDictionaries(int seed)
    {
        var random = new Random(seed);
        var payloadKeys = 0;
        for (var query = 0; query < 24; query++)
        {
            var schema = ColumnarAggregationEquivalenceTests.RandomSchema(random);
            var (keys, aggs, watermark, mode) = ColumnarAggregationEquivalenceTests.RandomQuery(random, schema);
            var op = ColumnarAggregationHarness.Plan(schema, keys, aggs, mode, watermark);
            var reader = new PartialAggregates(AggregateSet.Bind(aggs, schema));
            var keyGroups = 1 + random.Next(8);
            var shape = new ColumnarAggregationEquivalenceTests.BatchShape(random);
            var dictionaries = new Dictionary<int, StringDictionary>();
            for (var b = 0; b < 6; b++)
            {
                var batch = ColumnarAggregationEquivalenceTests.RandomBatch(random, schema, shape);
                Recode(batch, dictionaries, random);
                var rows = new List<object?[]>();
                batch.AppendRowsTo(rows);
                var context = new BatchContext(b, shape.BaseMs - shape.SpreadMs - 1_000, 0);
                var byRows = new KeyGroupRouter(keyGroups);
                op.Route(rows, context, byRows, new LateRowSet());
                var byColumns = new KeyGroupRouter(keyGroups) { TakesPartials = true };
                op.Route(batch, context, byColumns, new LateRowSet());

                var what = $"query {query} [{string.Join(", ", keys)}], batch {b}";
                Assert.Equal(byRows.Groups.Keys.Order(), byColumns.Groups.Keys.Order());
                foreach (var (keyGroup, records) in byRows.Groups)
                {
                    var expected = records.Select(r => Convert.ToHexString(r.Key)).ToList();
                    List<string> actual;
                    if (byColumns.PartialsOf(keyGroup) is { } payload)
                    {
                        var groups = reader.Open(payload);
                        var keyBytes = Enumerable.Range(0, groups).Select(_ => reader.NextKey().ToArray()).ToList();
                        actual = [.. keyBytes.Select(Convert.ToHexString)];
                        // Each key's hash travels with it, and is the one the key group's index would compute.
                        Assert.True(keyBytes.Select(k => SlotIndex.Hash(k)).SequenceEqual(reader.Hashes.ToArray()), $"{what}, key group {keyGroup}: hashes");
                        reader.Close();
                        payloadKeys += groups;
                    }
                    else
                    {
                        actual = [.. byColumns.Groups[keyGroup].Select(r => Convert.ToHexString(r.Key))];
                    }
                    Assert.True(expected.SequenceEqual(actual), $"{what}, key group {keyGroup}");
                }
            }
        }
        Assert.True(payloadKeys > 1_000, $"only {payloadKeys} keys went as partials");
    }

    [Fact]
    public void EncodedStrings_AreRowCodecsBytes_AsADictionaryGrows_OneCachePerDictionary()
    {
        var scratch = new ArrayBufferWriter<byte>();
        var first = new StringDictionary(["a", "é"]);
        Assert.Same(EncodedStrings.For(first), EncodedStrings.For(first));
        Assert.Equal(Encoded("é"), EncodedStrings.For(first).Of(1, scratch).ToArray());
        for (var i = 0; i < 3_000; i++)
        {
            first.GetOrAdd(Prefixes[i % Prefixes.Length] + i.ToString(CultureInfo.InvariantCulture));
        }
        for (var code = first.Count - 1; code >= 0; code -= 7)
        {
            Assert.Equal(Encoded(first[code]), EncodedStrings.For(first).Of(code, scratch).ToArray());
        }
        Assert.Equal(Encoded("a"), EncodedStrings.For(first).Of(0, scratch).ToArray());

        // Another dictionary gives its codes to other strings: none of the first one's bytes may be given for them.
        var second = new StringDictionary(["b", "a", new string('x', 300)]);
        Assert.Equal(Encoded("b"), EncodedStrings.For(second).Of(0, scratch).ToArray());
        Assert.Equal(Encoded("é"), EncodedStrings.For(first).Of(1, scratch).ToArray());
        Assert.Equal(Encoded(new string('x', 300)), EncodedStrings.For(second).Of(2, scratch).ToArray());

        // Codes past the kept ones are encoded on each use.
        var large = new StringDictionary([.. Enumerable.Range(0, EncodedStrings.MaxCodes + 2).Select(i => "v" + i.ToString(CultureInfo.InvariantCulture))]);
        for (var pass = 0; pass < 2; pass++)
        {
            Assert.Equal(Encoded("v262145"), EncodedStrings.For(large).Of(EncodedStrings.MaxCodes + 1, scratch).ToArray());
            Assert.Equal(Encoded("v262143"), EncodedStrings.For(large).Of(EncodedStrings.MaxCodes - 1, scratch).ToArray());
        }
    }

    [Fact]
    public void EncodedStrings_OfADictionaryCompleteBeforeItsKeys_AllocateTheirSlotsOnce()
    {
        // A Kafka reader's id column gets a fresh dictionary each batch, complete before the agent encodes its keys:
        // its slots are one array of its size, not a small one doubled (about three times the bytes, every batch).
        var scratch = new ArrayBufferWriter<byte>(64);
        var warm = new StringDictionary(["w0", "w1"]);
        _ = EncodedStrings.For(warm).Of(0, scratch).Length + EncodedStrings.For(warm).Of(1, scratch).Length;
        var fresh = new StringDictionary([.. Enumerable.Range(0, 3_000).Select(i => Prefixes[i % Prefixes.Length] + i.ToString(CultureInfo.InvariantCulture))]);
        var cache = EncodedStrings.For(fresh);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var code = 0; code < fresh.Count; code++)
        {
            _ = cache.Of(code, scratch);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 0, (fresh.Count << 4) + 1_024);
        for (var code = 0; code < fresh.Count; code += 13)
        {
            Assert.Equal(Encoded(fresh[code]), cache.Of(code, scratch).ToArray());
        }

        // A dictionary that keeps growing after its first keys still doubles its slots, and keeps every code's bytes.
        var growing = new StringDictionary(["g"]);
        _ = EncodedStrings.For(growing).Of(0, scratch);
        for (var i = 0; i < 5_000; i++)
        {
            var code = growing.GetOrAdd(Prefixes[i % Prefixes.Length] + i.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(Encoded(growing[code]), EncodedStrings.For(growing).Of(code, scratch).ToArray());
        }
        Assert.Equal(Encoded("g"), EncodedStrings.For(growing).Of(0, scratch).ToArray());
    }

    [Fact]
    public void EncodedStrings_OfASharedDictionary_AreRowCodecsBytes_ForAgentsOnManyThreads()
    {
        // As the generator's id tables: one dictionary, read by every agent at once while its cache fills and grows.
        var shared = new StringDictionary([.. Enumerable.Range(0, 20_000).Select(i => Prefixes[i % Prefixes.Length] + i.ToString(CultureInfo.InvariantCulture))]);
        var expected = Enumerable.Range(0, shared.Count).Select(c => Encoded(shared[c])).ToArray();
        var wrong = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, agent =>
        {
            var scratch = new ArrayBufferWriter<byte>();
            var random = new Random(agent);
            for (var i = 0; i < 60_000; i++)
            {
                var code = random.Next(Math.Min(shared.Count, 500 + i));
                if (!EncodedStrings.For(shared).Of(code, scratch).SequenceEqual(expected[code]))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });
        Assert.Equal(0, wrong);
    }

    private static byte[] Encoded(string value) => RowCodec.Encode([value]);

    /// <summary>
    /// Codes each string column through a dictionary kept across the query's batches (as a reader keeps one), now and
    /// then replaced by a fresh one; every value gets a prefix, some of them non-ASCII.
    /// </summary>
    private static void Recode(ColumnBatch batch, Dictionary<int, StringDictionary> dictionaries, Random random)
    {
        for (var c = 0; c < batch.Schema.Columns.Count; c++)
        {
            if (batch.Column(c) is not StringVector source)
            {
                continue;
            }
            if (!dictionaries.TryGetValue(c, out var dictionary))
            {
                dictionaries[c] = dictionary = new StringDictionary();
            }
            else if (random.Next(5) == 0)
            {
                // Replaced, or emptied as a reader's id column is (its codes then name other strings).
                if (random.Next(2) == 0)
                {
                    dictionary.Clear();
                }
                else
                {
                    dictionaries[c] = dictionary = new StringDictionary();
                }
            }
            var vector = new StringVector();
            vector.UseDictionary(dictionary);
            vector.Reserve(batch.RowCount);
            for (var row = 0; row < batch.RowCount; row++)
            {
                if (source.GetString(row) is { } value)
                {
                    vector.AppendCode(dictionary.GetOrAdd(Prefixes[(value.Length + value[^1]) % Prefixes.Length] + value));
                }
                else
                {
                    vector.AppendNull();
                }
            }
            batch.SetColumn(c, vector);
        }
    }
}
