using Sluice.Client;
using Sluice.Progress;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>
/// A query planned with its repeated join input shared and the same query planned apart (<c>shareSubPlans</c>
/// "false"), run side by side on one memory stream and compared after each round: the same sink rows, and the same
/// progress (as <paramref name="describe"/> tells it) for the batches since the last round.
/// </summary>
internal sealed class SharedAndApart(SluiceClient client, QuerySpec shared, QuerySpec apart, Func<QueryProgress, string> describe)
{
    private readonly QuerySpec[] _specs = [shared, apart];
    private StreamingQuery[] _queries = [];
    private long[] _seen = [-1, -1];

    public async Task StartAsync()
    {
        _queries = await Task.WhenAll(_specs.Select(client.StartAsync));
        _seen = [-1, -1];
    }

    /// <summary>A restart: each query stops and goes on from its checkpoint.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public Task StopAsync() => Task.WhenAll(_queries.Select(q => q.StopAsync()));

    /// <summary>Adds <paramref name="rows"/> (if any) to the stream and lets both queries process all of it.</summary>
    public async Task ProcessAsync(string stream, object[] rows)
    {
        if (rows.Length > 0)
        {
            await client.AddDataAsync(stream, rows);
        }
        await Task.WhenAll(_queries.Select(q => q.ProcessAllAvailableAsync()));
    }

    /// <summary>Both sinks hold the same rows, and the batches since the last call report the same progress.</summary>
    public async Task AssertSameAsync(string what)
    {
        var outputs = await Task.WhenAll(_specs.Select(s => SortedRowsAsync(client, s.Name)));
        Assert.True(outputs[0].SequenceEqual(outputs[1]), $"{what}: shared [{string.Join(", ", outputs[0])}], apart [{string.Join(", ", outputs[1])}]");
        var progress = await Task.WhenAll(_queries.Select(async (q, i) => (await q.RecentProgressAsync()).Where(p => p.BatchId > _seen[i]).ToList()));
        Assert.Equal(progress[1].Select(describe), progress[0].Select(describe));
        for (var i = 0; i < 2; i++)
        {
            _seen[i] = progress[i].Count > 0 ? progress[i][^1].BatchId : _seen[i];
        }
    }

    /// <summary>The memory sink's rows of query <paramref name="name"/> as JSON text, in order.</summary>
    public static async Task<List<string>> SortedRowsAsync(SluiceClient client, string name) =>
        [.. (await client.ReadMemorySinkJsonAsync(name)).Select(r => r.ToJsonString()).Order(StringComparer.Ordinal)];
}
