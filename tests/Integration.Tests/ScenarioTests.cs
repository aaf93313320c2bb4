using Sluice.Cli.Scenarios;

namespace Sluice.IntegrationTests;

/// <summary>Runs the scenario files in tests/scenarios through the same runner as <c>sluice scenario run</c>.</summary>
public sealed class ScenarioTests
{
    private static string Folder(string name) => Path.Combine(AppContext.BaseDirectory, "scenarios", name);

    [Theory]
    [InlineData("public")]
    [InlineData("stateless")]
    [InlineData("stateful")]
    [InlineData("streams")]
    [InlineData("spark-aggregation")]
    [InlineData("files")]
    [InlineData("triggers")]
    [InlineData("foreach-batch")]
    public async Task ScenarioFolder_EveryScenarioPasses(string folder)
    {
        var output = new StringWriter();

        var (passed, failed) = await ScenarioCommand.RunAllAsync(Folder(folder), output);

        Assert.True(failed == 0, output.ToString());
        Assert.Equal(Directory.GetFiles(Folder(folder), "*.json").Length, passed);
    }

    [Fact]
    public async Task Runner_WrongExpectation_FailsThatStepAndCountsTheScenario()
    {
        var file = Path.Combine(Path.GetTempPath(), $"wrong-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            {"name": "wrong on purpose",
             "query": {"name": "wrong_on_purpose", "source": {"kind": "memory", "schema": {"id": "int"}}, "sink": {"kind": "memory"}},
             "steps": [{"addData": [{"id": 1}]}, {"checkNewAnswer": [{"id": 2}]}, {"expectError": "nothing"}]}
            """);
        var output = new StringWriter();

        var (passed, failed) = await ScenarioCommand.RunAllAsync(file, output);

        Assert.Equal((0, 1), (passed, failed));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("  ok    step 1 addData", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("  FAIL  step 2 checkNewAnswer: expected 1 rows, got 1; missing {\"id\": 2}; unexpected {\"id\":1}", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("  FAIL  step 3 expectError: the query started", lines[3], StringComparison.Ordinal);
        Assert.Equal("0 passed, 1 failed", lines[^1].Trim());
        File.Delete(file);
    }
}
