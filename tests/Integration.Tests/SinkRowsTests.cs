using System.Net;
using System.Text.Json.Nodes;
using Sluice.Client;

namespace Sluice.IntegrationTests;

/// <summary>A memory sink's rows without code: <c>sluice read</c>, <c>sluice tail</c> and <c>GET /api/queries/NAME/rows</c>.</summary>
[Collection(SiloCollection.Name)]
public sealed class SinkRowsTests(SiloFixture silo)
{
    private Task<(int Code, string Out, string Err)> CliAsync(params string[] args) =>
        CliTests.RunWithoutSiloOptionAsync([.. args, "--silo", $"127.0.0.1:{silo.GatewayPort}"]);

    /// <summary>A query over a memory source with <paramref name="count"/> rows in one batch, run to its end.</summary>
    private async Task<string> QueryWithRowsAsync(int count, string sink = "memory")
    {
        var name = "rows" + Guid.NewGuid().ToString("N")[..8];
        await silo.Client.AddDataAsync(name + "-src", Enumerable.Range(1, count).Select(i => (object)new { id = i, user = $"u{i}", ts = $"2026-01-01T00:00:{i % 60:00}Z" }).ToArray());
        var query = await silo.Client.ReadStream().Memory(name + "-src").Schema(("id", "int"), ("user", "string"), ("ts", "timestamp")).Load()
            .Where("id > 0").WriteStream().Format(sink).Trigger(Trigger.AvailableNow()).StartAsync(name);
        await query.AwaitTerminationAsync();
        return name;
    }

    [Fact]
    public async Task Read_PrintsTheLatestRowsAsSparksShow()
    {
        var name = await QueryWithRowsAsync(25);

        var (code, output, error) = await CliAsync("read", name, "--limit", "3");

        Assert.Equal((0, ""), (code, error));
        Assert.Equal(
            """
            +---+----+-------------------+
            | id|user|                 ts|
            +---+----+-------------------+
            | 23| u23|2026-01-01 00:00:23|
            | 24| u24|2026-01-01 00:00:24|
            | 25| u25|2026-01-01 00:00:25|
            +---+----+-------------------+
            showing the last 3 of 25 rows (batch 0; --limit shows more)

            """.ReplaceLineEndings("\n"), output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Read_Json_PrintsOneObjectPerRow()
    {
        var name = await QueryWithRowsAsync(2);

        var (code, output, _) = await CliAsync("read", name, "--json");

        Assert.Equal(0, code);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.Equal([(1, "u1", "2026-01-01T00:00:01"), (2, "u2", "2026-01-01T00:00:02")],
            rows.Select(r => ((int)r["id"]!, (string)r["user"]!, ((string)r["ts"]!)[..19])));
        Assert.All(rows, r => Assert.Equal(["id", "user", "ts"], r.Select(p => p.Key)));
    }

    [Fact]
    public async Task Read_UnknownNameOrAnotherSink_FailsWithExitCode2()
    {
        var consoleQuery = await QueryWithRowsAsync(1, sink: "console");

        var unknown = await CliAsync("read", "no-such-query-" + Guid.NewGuid().ToString("N"));
        var console = await CliAsync("read", consoleQuery);

        Assert.Equal(2, unknown.Code);
        Assert.Contains("No query or memory sink named", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(2, console.Code);
        Assert.Contains("writes to a console sink", console.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_PrintsEachNewBatchUntilTheQueryEnds()
    {
        var name = "tail" + Guid.NewGuid().ToString("N")[..8];
        var source = name + "-src";
        await silo.Client.AddDataAsync(source, new { id = 1 });
        var query = await silo.Client.ReadStream().Memory(source).Schema(("id", "int")).Load()
            .WriteStream().Trigger(Trigger.Manual()).StartAsync(name);
        await query.ProcessAllAvailableAsync();

        var output = new StringWriter();
        var console = TextWriter.Synchronized(output);
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(console);
        Console.SetError(console);
        int code;
        try
        {
            var tail = Cli.SluiceCli.InvokeAsync(["tail", name, "--interval", "50ms", "--silo", $"127.0.0.1:{silo.GatewayPort}"]);
            await WaitForAsync(() => Text(console, output).Contains("Batch: 0", StringComparison.Ordinal) || tail.IsCompleted);
            await silo.Client.AddDataAsync(source, new { id = 2 }, new { id = 3 });
            await query.ProcessAllAvailableAsync();
            await WaitForAsync(() => Text(console, output).Contains("Batch: 1", StringComparison.Ordinal) || tail.IsCompleted);
            await query.StopAsync();
            code = await tail;
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }

        Assert.Equal(0, code);
        var batches = Text(console, output).ReplaceLineEndings("\n").Split("Batch: ", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(["0", "1"], batches.Select(b => b[..b.IndexOf('\n', StringComparison.Ordinal)]));
        Assert.Contains("|  1|", batches[0], StringComparison.Ordinal);
        Assert.DoesNotContain("|  1|", batches[1], StringComparison.Ordinal);
        Assert.Contains("|  2|", batches[1], StringComparison.Ordinal);
        Assert.Contains("|  3|", batches[1], StringComparison.Ordinal);
    }

    private static string Text(TextWriter console, StringWriter output)
    {
        lock (console)
        {
            return output.ToString();
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task RowsEndpoint_ReturnsTheLatestRowsAsJson_BehindTheApiKey()
    {
        var name = await QueryWithRowsAsync(5);
        using var http = silo.Http();
        using var anonymous = silo.Http(withKey: false);

        var body = JsonNode.Parse(await http.GetStringAsync(new Uri($"/api/queries/{name}/rows?limit=2", UriKind.Relative)))!;
        using var refused = await anonymous.GetAsync(new Uri($"/api/queries/{name}/rows", UriKind.Relative));
        using var unknown = await http.GetAsync(new Uri("/api/queries/no-such-query/rows", UriKind.Relative));
        using var badLimit = await http.GetAsync(new Uri($"/api/queries/{name}/rows?limit=0", UriKind.Relative));

        Assert.Equal(5, (int)body["totalRows"]!);
        Assert.Equal(0, (long)body["lastBatchId"]!);
        Assert.Equal(["id", "user", "ts"], body["schema"]!.AsArray().Select(c => (string)c!["name"]!));
        Assert.Equal([4, 5], body["rows"]!.AsArray().Select(r => (int)r!["id"]!));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }
}
