using Sluice.Columnar;

namespace Sluice.Tests.Columnar;

public sealed class StringVectorTests
{
    [Fact]
    public void Reset_AfterABatchOfMostlyNewValues_StartsAFreshDictionary()
    {
        var vector = new StringVector();
        for (var i = 0; i < 4_000; i++)
        {
            vector.Append("e" + i);
        }
        var ids = vector.Dictionary;
        vector.Reset();
        Assert.NotSame(ids, vector.Dictionary);
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
    public void Reset_AfterManySmallBatchesOfNewValues_StartsAFreshDictionaryOnceTheyAddUp()
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
        Assert.NotSame(ids, vector.Dictionary);
        Assert.True(vector.Dictionary.Count < 1_024, $"{vector.Dictionary.Count} values kept");
    }
}
