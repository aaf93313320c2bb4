namespace Sluice.Spec;

/// <summary>
/// A streaming query: source -> operators -> sink, with an output mode, a trigger and a checkpoint location.
/// The client library builds it, the CLI reads it from JSON (<see cref="SpecReader"/>), and the coordinator
/// stores it in the checkpoint.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("sluice.QuerySpec")]
public sealed record QuerySpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required SourceSpec Source { get; init; }
    [Id(2)] public IReadOnlyList<OperatorSpec> Operators { get; init; } = [];
    [Id(3)] public required SinkSpec Sink { get; init; }
    [Id(4)] public OutputMode OutputMode { get; init; } = OutputMode.Append;
    [Id(5)] public TriggerSpec Trigger { get; init; } = TriggerSpec.Default;

    /// <summary>Folder of the checkpoint; relative paths resolve under the silo's checkpoint root; absent means <c>&lt;root&gt;/&lt;name&gt;</c>.</summary>
    [Id(6)] public string? CheckpointLocation { get; init; }

    [Id(7)] public WatermarkPolicy WatermarkPolicy { get; init; } = WatermarkPolicy.Min;

    /// <summary>Engine settings as strings (<see cref="SpecOptions.Query"/>): an option nothing reads fails the query at start.</summary>
    [Id(8)] public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}

/// <summary>Spark's output modes.</summary>
[Alias("sluice.OutputMode")]
public enum OutputMode
{
    Append,
    Update,
    Complete,
}

/// <summary>How the global watermark combines per-stream watermarks (Spark's <c>multipleWatermarkPolicy</c>).</summary>
[Alias("sluice.WatermarkPolicy")]
public enum WatermarkPolicy
{
    Min,
    Max,
}
