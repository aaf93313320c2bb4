using System.Text.Json;
using Sluice.Contracts;
using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Checkpointing;

/// <summary>
/// <c>state/_layout</c>: what the checkpoint's state is laid out by (the stateful operators' descriptions), written
/// when the query first runs. A query whose stateful part differs cannot go on from that state: it fails at start,
/// naming each difference, instead of misreading the state.
/// </summary>
internal static class StateLayout
{
    public const string File = "state/_layout";

    /// <summary>
    /// The first stateful operator is described as a query with one has always been (so such checkpoints still load);
    /// each later one adds its description under <c>stage&lt;k&gt;.</c>.
    /// </summary>
    /// <param name="unshared">
    /// For a plan that shares a join input's stages (<see cref="Planning.SharedPrefix"/>) because the query sets
    /// <c>shareSubPlans</c> "true", the operators of the same query planned without sharing: a checkpoint laid out by those
    /// was written by a build (or run) that planned each input apart, and the error says how to resume it. (Without the
    /// option, <see cref="Coordinator.QueryRun"/> resumes such a checkpoint with the plan it was written by.)
    /// </param>
    /// <param name="shared">
    /// For a query with <see cref="SpecOptions.ShareSubPlans"/> "false", the operators of the same query planned with
    /// sharing: a checkpoint laid out by those was written with the option unset (or "true"), and the error says so.
    /// </param>
    public static async Task CheckAsync(
        Checkpoint checkpoint, IReadOnlyList<IStatefulOperator> operators, IReadOnlyList<IStatefulOperator>? unshared = null, IReadOnlyList<IStatefulOperator>? shared = null)
    {
        var stateful = operators.Count > 0 ? operators[0] : null;
        var layout = Layout(operators);
        var hasBatches = (await checkpoint.Commits.GetLatestAsync()) is not null || (await checkpoint.Offsets.GetLatestAsync()) is not null;
        var stored = await ReadAsync(checkpoint);
        if (stored is null)
        {
            if (hasBatches && stateful is not null)
            {
                throw Mismatch(checkpoint, ["the checkpoint has batches from a query without a stateful operator, and this query has one"]);
            }
            await checkpoint.Store.TryCreateAsync(File, $"v1\n{JsonSerializer.Serialize(layout)}\n");
            return;
        }
        var differences = Differences(stored, layout);
        if (differences.Count > 0 && unshared is not null && Differences(stored, Layout(unshared)).Count == 0)
        {
            throw new QueryStartException(
                $"Checkpoint '{checkpoint.Store.Location}' was written by this query planned with each join input apart (each input read and its " +
                "stateful operators run on their own), and this build plans the join input that repeats the query's source and operators once, " +
                $"sharing their reads and state, because the query sets \"{SpecOptions.ShareSubPlans}\": \"true\": the checkpoint's state is laid out for the other plan. " +
                $"To resume it, set the query option \"{SpecOptions.ShareSubPlans}\": \"false\" or remove the option (the plan the checkpoint was written with then " +
                "goes on); or start on a new checkpointLocation to run the shared plan.");
        }
        if (differences.Count > 0 && shared is not null && Differences(stored, Layout(shared)).Count == 0)
        {
            throw new QueryStartException(
                $"Checkpoint '{checkpoint.Store.Location}' was written by this query planned with its repeated join input shared (one read and one " +
                $"state for both inputs), and the query option \"{SpecOptions.ShareSubPlans}\": \"false\" plans each input apart: the checkpoint's state is " +
                $"laid out for the shared plan. To resume it, remove the option (or set it to \"true\"); or start on a new checkpointLocation to run the plan apart.");
        }
        if (differences.Count > 0)
        {
            throw Mismatch(checkpoint, differences);
        }
    }

    /// <summary>Whether the checkpoint's state was laid out by exactly <paramref name="operators"/> (false when it has no layout yet).</summary>
    public static async Task<bool> IsLaidOutByAsync(Checkpoint checkpoint, IReadOnlyList<IStatefulOperator> operators) =>
        await ReadAsync(checkpoint) is { } stored && Differences(stored, Layout(operators)).Count == 0;

    /// <summary>The stored layout, or null when the checkpoint has none yet.</summary>
    private static async Task<Dictionary<string, string>?> ReadAsync(Checkpoint checkpoint)
    {
        var text = await checkpoint.Store.ReadAsync(File);
        if (text is null)
        {
            return null;
        }
        var lines = text.Split('\n', 2);
        try
        {
            return lines.Length == 2 && lines[0] == "v1"
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(lines[1]) ?? throw new JsonException("empty")
                : throw new JsonException("the first line is not 'v1'");
        }
        catch (JsonException e)
        {
            throw new CheckpointCorruptException($"{checkpoint.Store.Location}/{File}", e.Message);
        }
    }

    private static List<string> Differences(Dictionary<string, string> stored, Dictionary<string, string> layout) =>
        stored.Keys.Union(layout.Keys).Order(StringComparer.Ordinal)
            .Where(k => stored.GetValueOrDefault(k) != layout.GetValueOrDefault(k))
            .Select(k => $"{k} was '{stored.GetValueOrDefault(k) ?? "(none)"}' and is now '{layout.GetValueOrDefault(k) ?? "(none)"}'")
            .ToList();

    private static Dictionary<string, string> Layout(IReadOnlyList<IStatefulOperator> operators)
    {
        var stateful = operators.Count > 0 ? operators[0] : null;
        var layout = new Dictionary<string, string>(stateful?.Describe() ?? new Dictionary<string, string> { ["op"] = "none" });
        if (stateful is not null)
        {
            layout["operator"] = stateful.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        for (var k = 1; k < operators.Count; k++)
        {
            foreach (var (name, value) in operators[k].Describe())
            {
                layout[$"stage{k}.{name}"] = value;
            }
            layout[$"stage{k}.operator"] = operators[k].Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return layout;
    }

    private static QueryStartException Mismatch(Checkpoint checkpoint, IReadOnlyList<string> differences) => new(
        $"This query's stateful part does not fit checkpoint '{checkpoint.Store.Location}': {string.Join("; ", differences)}. " +
        "Its state is laid out by these, so the query cannot go on from it. Start the query on a new checkpointLocation " +
        "(it then begins at its startingOffsets), or run the query as it was; 'sluice checkpoint inspect <path>' shows what the checkpoint holds.");
}
