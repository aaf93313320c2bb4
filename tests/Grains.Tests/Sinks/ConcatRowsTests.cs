using Sluice.Sinks;

namespace Sluice.Tests.Sinks;

/// <summary>The writers' rows of a batch read as one list, in writer order.</summary>
public sealed class ConcatRowsTests
{
    [Fact]
    public void Rows_ByIndexAndInOrder_FollowTheWritersIncludingEmptyOnes()
    {
        List<IReadOnlyList<object?[]>> parts = [[], [[1], [2], [3]], [], [], [[4]], EncodedRows.TryEncode([[5L], [6L]])!, []];

        var rows = new ConcatRows(parts);

        Assert.Equal(6, rows.Count);
        Assert.Equal([1, 2, 3, 4, 5L, 6L], rows.Select(r => r[0]));
        Assert.Equal([1, 2, 3, 4, 5L, 6L], Enumerable.Range(0, rows.Count).Select(i => rows[i][0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows[6]);
    }
}
