using Sluice.Cli;
using Sluice.Cli.Scenarios;
using Sluice.Contracts;
using Sluice.Connectors.Kafka;
using KafkaErrorCode = Confluent.Kafka.ErrorCode;

namespace Sluice.IntegrationTests;

/// <summary>
/// Every `sluice` command that fails prints one <c>error: MESSAGE</c> line (a second only to point at help), never a
/// stack trace unless <c>--verbose</c>; exit 2 for bad input, 1 for a failure.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class CliErrorTests(SiloFixture silo)
{
    private const short ListOffsetsApi = 2;

    private string Silo => $"127.0.0.1:{silo.GatewayPort}";

    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => CliTests.RunWithoutSiloOptionAsync(args);

    private static async Task<string> SpecFileAsync(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"spec-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    private static string KafkaSpec(string name, string topic, string? bootstrapServers = null) => $$"""
        {"name": "{{name}}",
         "source": {"kind": "kafka", "topic": "{{topic}}", "startingOffsets": "earliest", {{(bootstrapServers is null ? "" : $"\"bootstrapServers\": \"{bootstrapServers}\",")}}
                    "schema": {"id": "int"} },
         "sink": {"kind": "memory"} }
        """;

    /// <summary>One line, <c>error: </c> first, and no trace of a stack or of System.CommandLine's default handler.</summary>
    private static void AssertOneErrorLine(string err, string expected)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", err, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", err.Replace(lines[0], "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_UnknownField_ExitsTwoNamingTheField()
    {
        var spec = await SpecFileAsync("""{"name": "u", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "memory"}, "sinkk": {}}""");

        var (code, _, err) = await RunAsync("submit", spec, "--silo", Silo);

        Assert.Equal(2, code);
        AssertOneErrorLine(err, "Invalid query spec at $.sinkk: unknown field 'sinkk'");
    }

    [Fact]
    public async Task Submit_InvalidJson_ExitsTwo()
    {
        var spec = await SpecFileAsync("""{"name": "j", "source": """);

        var (code, _, err) = await RunAsync("submit", spec, "--silo", Silo);

        Assert.Equal(2, code);
        AssertOneErrorLine(err, "not valid JSON");
    }

    [Fact]
    public async Task Submit_MissingFile_ExitsTwo()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json");

        var (code, _, err) = await RunAsync("submit", missing, "--silo", Silo);

        Assert.Equal(2, code);
        AssertOneErrorLine(err, missing);
    }

    [Fact]
    public async Task Progress_UnknownQuery_ExitsTwo()
    {
        var (code, _, err) = await RunAsync("progress", "no-such-query", "--silo", Silo);

        Assert.Equal(2, code);
        AssertOneErrorLine(err, "No query named 'no-such-query'");
    }

    [Fact]
    public async Task CheckpointInspect_MissingFolder_ExitsTwo()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}");

        var (code, _, err) = await RunAsync("checkpoint", "inspect", missing);

        Assert.Equal(2, code);
        AssertOneErrorLine(err, $"checkpoint folder '{missing}' does not exist");
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("list --no-such-option")]
    [InlineData("progress q --interval soon")]
    public async Task BadArguments_ExitTwoWithOneErrorAndWhereHelpIs(string commandLine)
    {
        var (code, output, err) = await RunAsync([.. commandLine.Split(' '), "--silo", Silo]);

        Assert.Equal(2, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Equal($"see 'sluice {commandLine.Split(' ')[0]} --help'", lines[1]);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task List_SiloDown_ExitsOne()
    {
        var nobody = $"127.0.0.1:{ScenarioSilo.FreePort()}";

        var (code, _, err) = await RunAsync("list", "--silo", nobody);

        Assert.Equal(1, code);
        AssertOneErrorLine(err, $"Could not connect to a Sluice silo at {nobody} (cluster id 'sluice'): no gateway answered within 20 s");
    }

    [Fact]
    public async Task Submit_BrokerDown_ExitsOneNamingTheBroker()
    {
        var spec = await SpecFileAsync(KafkaSpec("down-" + Guid.NewGuid().ToString("N")[..6], "ev", "127.0.0.1:1"));

        var (code, _, err) = await RunAsync("submit", spec, "--silo", Silo);

        Assert.Equal(1, code);
        AssertOneErrorLine(err, "Could not reach Kafka at 127.0.0.1:1");
    }

    [Theory]
    [InlineData("System.ArgumentException", 2)]
    [InlineData("System.ArgumentOutOfRangeException", 2)]
    [InlineData("Sluice.Spec.SpecException", 2)]
    [InlineData("System.InvalidOperationException", 1)]
    [InlineData("Confluent.Kafka.KafkaException", 1)]
    public void ErrorTheSiloSentAsItsMessage_ExitCodeFollowsTheTypeItWasRaisedAs(string originalType, int expected)
    {
        var error = new StringWriter();

        var code = CliErrors.Report(new SluiceException(originalType, "what went wrong"), verbose: false, error);

        Assert.Equal(expected, code);
        Assert.Equal("error: what went wrong", error.ToString().Trim());
    }

    [Fact]
    public async Task Produce_MissingFile_ExitsTwo()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.jsonl");

        var (code, _, err) = await RunAsync("produce", "--topic", "t", "--bootstrap", silo.BootstrapServers, "--file", missing);

        Assert.Equal(2, code);
        AssertOneErrorLine(err, missing);
    }

    [Fact]
    public async Task Produce_BrokerDown_ExitsOneWithOneLineForAllRecords()
    {
        var lines = Path.Combine(Path.GetTempPath(), $"lines-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(lines, Enumerable.Range(0, 3).Select(SiloFixture.Event));

        var (code, output, err) = await RunAsync("produce", "--topic", "t", "--bootstrap", "127.0.0.1:1", "--file", lines);

        Assert.Equal(1, code);
        AssertOneErrorLine(err, "3 of 3 records were not delivered to topic 't' at 127.0.0.1:1");
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Submit_BrokerWhoseListOffsetsFails_PrintsTheSilosMessageNotASerializerError()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("ev", 2);
        // Admin ListOffsets and the watermark fallback both fail: the silo's message must still reach the terminal.
        kafka.FailRequests(ListOffsetsApi, 50, KafkaErrorCode.InvalidRequest);
        var spec = await SpecFileAsync(KafkaSpec("lo-" + Guid.NewGuid().ToString("N")[..6], "ev", kafka.BootstrapServers));

        var (code, _, err) = await RunAsync("submit", spec, "--silo", Silo);
        var verbose = await RunAsync("submit", spec, "--silo", Silo, "--verbose");

        Assert.Equal(1, code);
        AssertOneErrorLine(err, $"Kafka at {kafka.BootstrapServers} could not list offsets of topic 'ev'");
        Assert.DoesNotContain("Codec", err, StringComparison.Ordinal);
        Assert.Equal(1, verbose.Code);
        Assert.Contains(" ---> Confluent.Kafka.Admin.ListOffsetsException (in the silo): ", verbose.Err, StringComparison.Ordinal);
        Assert.Contains(" at Sluice.Connectors.Kafka.KafkaStreamSource", verbose.Err, StringComparison.Ordinal);
    }
}
