using Sluice.Cli;

namespace Sluice.IntegrationTests;

/// <summary>The `sluice` commands against the fixture's silo, through its gateway as a user's terminal would.</summary>
[Collection(SiloCollection.Name)]
public sealed class CliTests(SiloFixture silo)
{
    private Task<(int Code, string Out, string Err)> RunAsync(params string[] args) =>
        RunWithoutSiloOptionAsync([.. args, "--silo", $"127.0.0.1:{silo.GatewayPort}"]);

    /// <summary>Runs a command line as <c>sluice</c> would (parse errors included), with stdout and stderr captured.</summary>
    internal static async Task<(int Code, string Out, string Err)> RunWithoutSiloOptionAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = await SluiceCli.InvokeAsync(args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public async Task ProduceSubmitProgressListStop_WorkTogether()
    {
        var topic = silo.CreateTopic();
        var name = "cli-" + topic;
        var lines = Path.Combine(Path.GetTempPath(), $"{name}.jsonl");
        await File.WriteAllLinesAsync(lines, Enumerable.Range(0, 12).Select(SiloFixture.Event));
        var spec = Path.Combine(Path.GetTempPath(), $"{name}.json");
        await File.WriteAllTextAsync(spec, $$"""
            {"name": "{{name}}",
             "source": {"kind": "kafka", "topic": "{{topic}}", "startingOffsets": "earliest", "schema": {"id": "int", "kind": "string"} },
             "operators": [{"op": "filter", "condition": "kind = 'purchase'"}],
             "sink": {"kind": "memory"} }
            """);

        var produced = await RunAsync("produce", "--topic", topic, "--file", lines);
        var submitted = await RunAsync("submit", spec);
        var query = (await silo.Client.GetQueryAsync(name))!;
        await query.ProcessAllAvailableAsync();
        var progress = await RunAsync("progress", name);
        var listed = await RunAsync("list");
        var stopped = await RunAsync("stop", name);

        Assert.Equal((0, ""), (produced.Code, produced.Err));
        Assert.Contains($"Produced 12 records to {topic}", produced.Out, StringComparison.Ordinal);
        Assert.Equal(0, submitted.Code);
        Assert.Contains($"Started query '{name}'", submitted.Out, StringComparison.Ordinal);
        Assert.Equal(0, progress.Code);
        Assert.Contains("\"numInputRows\": 12", progress.Out, StringComparison.Ordinal);
        Assert.Contains(name, listed.Out, StringComparison.Ordinal);
        Assert.Equal(0, stopped.Code);
        Assert.False(await query.IsActiveAsync());
        Assert.Equal(4, (await silo.Client.ReadMemorySinkJsonAsync(name)).Count);
    }

    [Fact]
    public async Task Submit_InvalidSpec_PrintsThePathAndExitsTwo()
    {
        var spec = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(spec, """{"name": "bad", "source": {"kind": "memory", "schema": {"a": "int"}}, "operators": [{"op": "filter"}], "sink": {"kind": "memory"}}""");

        var (code, _, err) = await RunAsync("submit", spec);

        Assert.Equal(2, code);
        Assert.Contains("$.operators[0].condition: missing required field", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_UnknownQuery_SaysSoAndExitsTwo()
    {
        var (code, _, err) = await RunAsync("stop", "no-such-query");

        Assert.Equal(2, code);
        Assert.Contains("No query named 'no-such-query'", err, StringComparison.Ordinal);
    }
}
