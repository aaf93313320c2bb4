using Sluice.Columnar;

namespace Sluice.Tests.Columnar;

public sealed class StringVectorTests
{
    [Fact]
    public void Reset_AfterABatchOfMostlyNewValues_EmptiesTheDictionaryInANewGeneration()
    {
        var vector = new StringVector();
        for (var i = 0; i < 4_000; i++)
        {
            vector.Append("e" + i);
        }
        var ids = vector.Dictionary;
        var generation = ids.Generation;
        vector.Reset();
        // The same dictionary (its arrays kept for the next batch's ids), emptied: its codes start afresh.
        Assert.Same(ids, vector.Dictionary);
        Assert.Equal(0, vector.Dictionary.Count);
        Assert.Equal(generation + 1, vector.Dictionary.Generation);
        Assert.False(ids.TryGetCode("e0", out _));
        vector.Append("n0");
        Assert.Equal(0, vector.Codes[0]);
        Assert.Equal("n0", vector.GetString(0));
    }

    [Fact]
    public void Reset_OfAnIdColumn_AllocatesNoDictionaryPerBatch()
    {
        var batches = Enumerable.Range(0, 4).Select(b => Enumerable.Range(0, 4_000).Select(i => $"b{b}-{i}").ToArray()).ToArray();
        var vector = new StringVector();
        vector.Reserve(4_000);
        foreach (var value in batches[0])
        {
            vector.Append(value);
        }
        vector.Reset();

        // A Kafka reader's id column: before, each batch's fresh dictionary (its table, entries and list: about 40
        // bytes a value) was garbage by the next.
        var allocated = new List<long>();
        for (var b = 1; b < batches.Length; b++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var value in batches[b])
            {
                vector.Append(value);
            }
            vector.Reset();
            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal("0 0 0", string.Join(' ', allocated));
    }

    [Fact]
    public void Reset_PastTheDictionaryBound_LetsItsMemoryGo()
    {
        var vector = new StringVector();
        var values = Enumerable.Range(0, StringVector.MaxDictionary + 1).Select(i => "v" + i).ToArray();
        var big = vector.Dictionary;
        foreach (var value in values)
        {
            vector.Append(value);
        }
        vector.Reset();
        Assert.NotSame(big, vector.Dictionary);
        Assert.Equal(0, vector.Dictionary.Count);
    }

    [Fact]
    public void Reset_AfterABatchOfMostlyNewValues_SizesTheFreshDictionaryForABatchLikeIt()
    {
        var values = Enumerable.Range(0, 4_000).Select(i => "e" + i).ToArray();
        var next = Enumerable.Range(0, 4_000).Select(i => "n" + i).ToArray();
        var vector = new StringVector();
        vector.Reserve(values.Length);
        foreach (var value in values)
        {
            vector.Append(value);
        }
        vector.Reset();

        // The next batch's new ids go into a dictionary that need not grow (and reallocate) on the way.
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var value in next)
        {
            vector.Append(value);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(next.Length, vector.Dictionary.Count);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Reset_AfterABatchOfRepeatedValues_KeepsTheDictionaryAndItsCodes()
    {
        var vector = new StringVector();
        for (var i = 0; i < 4_000; i++)
        {
            vector.Append("u" + (i % 100));
        }
        var users = vector.Dictionary;
        var code = vector.Codes[42];
        vector.Reset();
        vector.Append("u42");
        Assert.Same(users, vector.Dictionary);
        Assert.Equal(code, vector.Codes[0]);
        Assert.Equal("u42", vector.GetString(0));
    }

    [Fact]
    public void Reset_OfASharedDictionary_KeepsItWhateverItsSize()
    {
        var table = new StringDictionary([.. Enumerable.Range(0, 5_000).Select(i => "p" + i)]);
        var vector = new StringVector();
        vector.UseDictionary(table);
        for (var i = 0; i < 4_000; i++)
        {
            vector.Append("new" + i);
        }
        vector.Reset();
        Assert.Same(table, vector.Dictionary);
    }

    [Fact]
    public void Reset_AfterManySmallBatchesOfNewValues_EmptiesTheDictionaryOnceTheyAddUp()
    {
        var vector = new StringVector();
        var ids = vector.Dictionary;
        for (var batch = 0; batch < 20; batch++)
        {
            for (var i = 0; i < 60; i++)
            {
                vector.Append($"e{batch}-{i}");
            }
            vector.Reset();
        }
        // 1,200 values in 20 batches of 60: judged together past 1,024 rows, the column is an id.
        Assert.Equal(1, vector.Dictionary.Generation);
        Assert.True(vector.Dictionary.Count < 1_024, $"{vector.Dictionary.Count} values kept");
    }
}
