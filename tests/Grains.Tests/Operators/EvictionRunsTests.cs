using Sluice.Operators.Join;

namespace Sluice.Tests.Operators;

/// <summary>
/// The join's index of stored rows by eviction time: every take returns exactly the rows at or below its threshold
/// that an earlier take did not, whatever the order the rows came in and however the runs merged.
/// </summary>
public sealed class EvictionRunsTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 50)]
    [InlineData(3, 5_000)]
    [InlineData(4, 1_000_000)]
    public void Takes_AreThoseOfASortedList(int seed, int jitterMs)
    {
        var random = new Random(seed);
        var runs = new EvictionRuns<StoredJoinRow>();
        var reference = new List<(long Ms, StoredJoinRow Row)>();
        var clock = 0L;
        for (var step = 0; step < 400; step++)
        {
            // Batches of rows in event-time order give or take the jitter, of very different sizes (merges of every shape).
            var count = random.Next(4) == 0 ? random.Next(300) : random.Next(8);
            for (var i = 0; i < count; i++)
            {
                var ms = clock + random.Next(jitterMs + 1) - (jitterMs / 2);
                var row = new StoredJoinRow(0, [], [], ms, step, 0);
                runs.Add(row, ms);
                reference.Add((ms, row));
                clock += random.Next(3);
            }
            // Thresholds mostly behind the clock, sometimes jumping back (another side's offset) or far ahead.
            var threshold = random.Next(10) switch
            {
                0 => clock + 10_000,
                1 => clock - 100_000,
                _ => clock - random.Next(jitterMs + 200),
            };
            var due = new List<StoredJoinRow>();
            runs.TakeDue(threshold, due);
            var want = reference.Where(r => r.Ms <= threshold).Select(r => r.Row).ToHashSet(ReferenceEqualityComparer.Instance);
            reference.RemoveAll(r => r.Ms <= threshold);
            Assert.Equal(want.Count, due.Count);
            Assert.All(due, r => Assert.Contains(r, want));
            Assert.Equal(reference.Count, runs.Count);
        }
        var rest = new List<StoredJoinRow>();
        runs.TakeDue(long.MaxValue, rest);
        Assert.Equal(reference.Count, rest.Count);
        Assert.Equal(0, runs.Count);
    }

    [Fact]
    public void RowsAddedAfterATake_AreTakenByTheNext()
    {
        var runs = new EvictionRuns<StoredJoinRow>();
        var first = new StoredJoinRow(0, [], [], 10, 0, 0);
        runs.Add(first, 10);
        var due = new List<StoredJoinRow>();
        runs.TakeDue(5, due);
        Assert.Empty(due);
        var early = new StoredJoinRow(0, [], [], 1, 1, 0);
        runs.Add(early, 1);
        runs.TakeDue(5, due);
        Assert.Same(early, Assert.Single(due));
        runs.TakeDue(10, due);
        Assert.Equal(new[] { early, first }, due);
    }
}
