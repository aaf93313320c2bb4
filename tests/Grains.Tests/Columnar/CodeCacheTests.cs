using Sluice.Columnar;
using Sluice.Columnar.Kernels;

namespace Sluice.Tests.Columnar;

/// <summary>
/// A function's values kept by code: a dictionary emptied (<see cref="StringDictionary.Clear"/>, a reader's id column)
/// gives its codes to other strings, so values of the old generation are never given for them.
/// </summary>
public sealed class CodeCacheTests
{
    [Fact]
    public void AnEmptiedInputDictionary_RecomputesItsCodes()
    {
        var cache = new CodeCache<long>(static (string value, out long length) =>
        {
            length = value.Length;
            return true;
        });
        var ids = new StringDictionary(["a", "bbb"]);
        cache.Begin(ids);
        Assert.True(cache.TryGet(1, out var length));
        Assert.Equal(3, length);

        ids.Clear();
        ids.GetOrAdd("cccccc");
        ids.GetOrAdd("dd");
        cache.Begin(ids);
        Assert.True(cache.TryGet(1, out length));
        Assert.Equal(2, length);
    }

    [Fact]
    public void AnEmptiedOutputDictionary_RecomputesTheCodesAddedToIt()
    {
        var output = new StringDictionary();
        var cache = new CodeCache<int>((string value, out int code) =>
        {
            code = output.GetOrAdd(value.ToUpperInvariant());
            return true;
        });
        var input = new StringDictionary(["x", "y"]);
        cache.Begin(input, output);
        Assert.True(cache.TryGet(1, out var code));
        Assert.Equal("Y", output[code]);

        // The output column's dictionary emptied (its codes 0 and 1 gone), the input's kept: "y" is added again.
        output.Clear();
        output.GetOrAdd("Z");
        cache.Begin(input, output);
        Assert.True(cache.TryGet(1, out code));
        Assert.Equal("Y", output[code]);
    }
}
