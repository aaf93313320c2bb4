using Sluice.Checkpointing;
using Sluice.Contracts;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Checkpointing;

/// <summary>
/// <c>state/_layout</c> with several stateful operators: the first is described as a one-operator query always was
/// (so older checkpoints load), each later one under <c>stage&lt;k&gt;.</c>, and a changed chain is refused at start.
/// </summary>
public sealed class StateLayoutChainTests : IDisposable
{
    private static QueryPlan PlanOf(QuerySpec spec) => QueryPlanner.Plan(spec, Sluice.Connectors.BuiltInConnectors.CreateRegistry());

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));

    private const string Dedup = """{"op": "dropDuplicates", "columns": ["id"]}""";

    private static IReadOnlyList<Sluice.Operators.IStatefulOperator> Operators(params string[] ops) =>
        PlanOf(SpecReader.Read($$$"""
            {"name": "q", "source": {"kind": "memory", "schema": {"id": "int", "g": "int"}}, "operators": [{{{string.Join(", ", ops)}}}],
             "sink": {"kind": "memory"}, "outputMode": "append"}
            """)).Stages.Select(s => s.Operator).ToList();

    private Checkpoint Open() => new(new FolderCheckpointStore(_folder));

    [Fact]
    public async Task FirstOperator_IsRecordedAsWithOneOperator_AndLaterOnesUnderTheirStage()
    {
        await StateLayout.CheckAsync(Open(), Operators(Dedup, """{"op": "dropDuplicates", "columns": ["g"]}"""));

        var layout = await File.ReadAllTextAsync(Path.Combine(_folder, "state", "_layout"));
        Assert.StartsWith("v1\n{\"op\":\"dedupe\",\"keys\":\"id\",\"input\":\"id: int, g: int\",\"operator\":\"0\",\"stage1.op\":\"dedupe\",\"stage1.keys\":\"g\"", layout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckpointOfOneOperator_ResumedWithASecondOneAdded_IsRefusedNamingIt()
    {
        await StateLayout.CheckAsync(Open(), Operators(Dedup));
        await StateLayout.CheckAsync(Open(), Operators(Dedup));

        var e = await Assert.ThrowsAsync<QueryStartException>(() => StateLayout.CheckAsync(Open(), Operators(Dedup, """{"op": "dropDuplicates", "columns": ["g"]}""")));

        Assert.Contains("stage1.op was '(none)' and is now 'dedupe'", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
