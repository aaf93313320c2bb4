using System.Buffers.Binary;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Operators.Aggregation;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

using Sluice.Tests.Operators;

namespace Sluice.Tests.Columnar;

/// <summary>
/// The partial-aggregates payload (agents' columnar route, one payload per key group, merged by the window grain)
/// against the row path over several batches with state: random queries and batches as in
/// <see cref="ColumnarAggregationEquivalenceTests"/>, several agents per batch, each agent switching between payload
/// and records from batch to batch, hot state bounded or not. After every batch both must hold the same state bytes and
/// give the same output rows in the same order.
/// </summary>
public sealed class ColumnarPartialsEquivalenceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-partials-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task RandomQueries_MergeTheSameStateAndOutputFromPartialsAsFromRows(int seed)
    {
        var random = new Random(seed);
        var payloads = 0;
        for (var query = 0; query < 16; query++)
        {
            var schema = ColumnarAggregationEquivalenceTests.RandomSchema(random);
            var (keys, aggs, watermark, mode) = ColumnarAggregationEquivalenceTests.RandomQuery(random, schema);
            var op = ColumnarAggregationHarness.Plan(schema, keys, aggs, mode, watermark);
            var keyGroups = 1 + random.Next(6);
            var bound = random.Next(3) == 0 ? random.Next(4) : long.MaxValue;
            using var rows = new AggregationKeyGroups(op, keyGroups, bound, Path.Combine(_root, $"{seed}-{query}-rows"));
            using var columns = new AggregationKeyGroups(op, keyGroups, bound, Path.Combine(_root, $"{seed}-{query}-columns"));
            var shape = new ColumnarAggregationEquivalenceTests.BatchShape(random);
            var watermarkMs = shape.BaseMs - shape.SpreadMs - 1_000;
            for (var b = 0; b < 5; b++)
            {
                var context = new BatchContext(b, watermarkMs, 0);
                rows.Begin();
                columns.Begin();
                var agents = 1 + random.Next(3);
                for (var a = 0; a < agents; a++)
                {
                    var batch = ColumnarAggregationEquivalenceTests.RandomBatch(random, schema, shape);
                    var list = new List<object?[]>();
                    batch.AppendRowsTo(list);
                    var byRows = new KeyGroupRouter(keyGroups);
                    op.Route(list, context, byRows, new LateRowSet());
                    rows.Apply(byRows);

                    var byColumns = new KeyGroupRouter(keyGroups) { TakesPartials = random.Next(4) != 0 };
                    op.Route(batch, context, byColumns, new LateRowSet());
                    // Now and then as a silo of the previous version sends it: no key hashes (the key group computes them).
                    payloads += columns.Apply(byColumns, payload: random.Next(4) == 0 ? AsVersion1 : null);
                }
                var what = $"query {query} [{string.Join(", ", keys)}] [{string.Join(", ", aggs)}] {mode}, batch {b}";
                Assert.True(rows.Finish(watermarkMs).SequenceEqual(columns.Finish(watermarkMs)), what);
                Assert.True(rows.State().SequenceEqual(columns.State()), what);
                await rows.CommitAsync(b);
                await columns.CommitAsync(b);
                watermarkMs += random.Next(3) * (shape.SpreadMs / 2);
            }
        }
        Assert.True(payloads > 50, $"only {payloads} payloads were sent");
    }

    [Fact]
    public void Open_Version1Payload_ReadsTheSameKeysAndLanes_AndHashesTheKeys()
    {
        var schema = new StreamSchema([new Column("k", DataType.String), new Column("v", DataType.Long)]);
        var aggs = new[] { "count(*) AS n", "sum(v) AS s" };
        var op = ColumnarAggregationHarness.Plan(schema, ["k"], aggs, "update", null);
        var batch = ColumnBatch.FromRows(schema, [["a", 1L], ["b", 2L], ["a", 3L], [null, 4L]]);
        var router = new KeyGroupRouter(1) { TakesPartials = true };
        op.Route(batch, new BatchContext(0, 0, 0), router, new LateRowSet());
        var current = router.PartialsOf(0)!.Value.ToArray();

        var reader = new PartialAggregates(AggregateSet.Bind(aggs, schema));
        var old = new PartialAggregates(AggregateSet.Bind(aggs, schema));
        Assert.Equal(3, reader.Open(current));
        Assert.Equal(3, old.Open(AsVersion1(current)));
        Assert.Equal(reader.Hashes.ToArray(), old.Hashes.ToArray());
        for (var group = 0; group < 3; group++)
        {
            var key = reader.NextKey().ToArray();
            Assert.Equal(key, old.NextKey().ToArray());
            Assert.Equal(SlotIndex.Hash(key), old.Hashes[group]);
            Assert.Equal(ColumnarAggregationHarness.Describe(reader.NewBuffer(group)), ColumnarAggregationHarness.Describe(old.NewBuffer(group)));
        }
        reader.Close();
        old.Close();
        var unknown = current.ToArray();
        unknown[0] = 3;
        Assert.Contains("unknown version (3)", Assert.Throws<FormatException>(() => reader.Open(unknown)).Message);
    }

    /// <summary>A payload as the previous version wrote it (version 1): the same, without the key hashes after the header.</summary>
    internal static ReadOnlyMemory<byte> AsVersion1(ReadOnlyMemory<byte> payload)
    {
        var data = payload.ToArray();
        Assert.Equal(2, data[0]);
        var hashBytes = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(1)) * sizeof(int);
        var old = new byte[data.Length - hashBytes];
        data.AsSpan(0, 13).CopyTo(old);
        old[0] = 1;
        data.AsSpan(13 + hashBytes).CopyTo(old.AsSpan(13));
        return old;
    }

    [Fact]
    public void Open_PayloadOfAnotherAggregateSet_IsRejected()
    {
        var schema = new StreamSchema([new Column("k", DataType.String), new Column("v", DataType.Long)]);
        var two = ColumnarAggregationHarness.Plan(schema, ["k"], ["count(*) AS n", "sum(v) AS s"], "update", null);
        var batch = ColumnBatch.FromRows(schema, [["a", 1L], ["b", 2L], ["a", 3L]]);
        var router = new KeyGroupRouter(1) { TakesPartials = true };
        two.Route(batch, new BatchContext(0, 0, 0), router, new LateRowSet());
        var payload = router.PartialsOf(0)!.Value.ToArray();
        Assert.Empty(router.Groups[0]);

        var reader = new PartialAggregates(AggregateSet.Bind(["count(*) AS n"], schema));
        Assert.Throws<FormatException>(() => reader.Open(payload));
        var same = new PartialAggregates(AggregateSet.Bind(["count(*) AS n", "sum(v) AS s"], schema));
        Assert.Equal(2, same.Open(payload));
        Assert.Equal(RowCodec.Encode(["a"]), same.NextKey().ToArray());
        Assert.Equal(RowCodec.Encode(["b"]), same.NextKey().ToArray());
        same.Close();
        Assert.Throws<FormatException>(() => same.Open(payload[..^1]));
    }

    [Fact]
    public void WindowApplyRequest_CarriesPartialsAcrossAnOrleansSerializerRoundTrip()
    {
        var serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(WindowApplyRequest).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer>();
        var spec = SpecReader.Read("""{"name": "q", "source": {"kind": "memory", "schema": {"k": "string"}}, "operators": [], "sink": {"kind": "memory"}}""");
        var request = new WindowApplyRequest { Spec = spec, RunId = Guid.NewGuid(), BatchId = 3, CheckpointPath = "c", Records = [], Partials = [1, 0, 0, 0, 255] };

        var received = serializer.Deserialize<WindowApplyRequest>(serializer.SerializeToArray(request));
        Assert.Equal(request.Partials, received!.Partials);
        Assert.Null(serializer.Deserialize<WindowApplyRequest>(serializer.SerializeToArray(request with { Partials = null }))!.Partials);
    }

    [Fact]
    public void WindowApplyRequest_CarriesAPooledSliceAsExactlyItsBytes_AcrossAnOrleansSerializerRoundTrip()
    {
        var serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(WindowApplyRequest).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer>();
        var spec = SpecReader.Read("""{"name": "q", "source": {"kind": "memory", "schema": {"k": "string"}}, "operators": [], "sink": {"kind": "memory"}}""");
        var pooled = new byte[] { 9, 9, 1, 0, 0, 0, 255, 9 };
        var request = new WindowApplyRequest { Spec = spec, RunId = Guid.NewGuid(), BatchId = 3, CheckpointPath = "c", Records = [], PooledPartials = pooled.AsMemory(2, 5) };

        var received = serializer.Deserialize<WindowApplyRequest>(serializer.SerializeToArray(request))!;
        Assert.Equal(new byte[] { 1, 0, 0, 0, 255 }, received.PooledPartials.ToArray());
        Assert.Null(received.Partials);
        Assert.True(serializer.Deserialize<WindowApplyRequest>(serializer.SerializeToArray(request with { PooledPartials = default }))!.PooledPartials.IsEmpty);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
