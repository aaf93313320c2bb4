using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Cli.Scenarios;

/// <summary>Runs one scenario against a <see cref="ScenarioSilo"/>, writing one line per step.</summary>
internal sealed class ScenarioRunner(ScenarioSilo silo, TextWriter output)
{
    private readonly ProgressLedger _ledger = new();
    private QuerySpec? _spec;
    private StreamingQuery? _query;
    private string? _startError;
    private string? _runError;
    private int _seenRows;
    private string _prefix = "";
    private int _files;
    private ScenarioKafka? _kafka;

    /// <summary>True when every step held.</summary>
    public async Task<bool> RunAsync(Scenario scenario, int index)
    {
        output.WriteLine($"scenario {scenario.Name} ({Path.GetFileName(scenario.File)})");
        _prefix = $"s{index}-{Guid.NewGuid():N}"[..12] + "-";
        silo.Clock.Reset();
        _kafka = scenario.UsesKafka ? new ScenarioKafka() : null;
        var passed = true;
        try
        {
            ReadSpec(scenario, index);
            ScenarioBatchRecorder.Reset();
            for (var i = 0; i < scenario.Setup.Count; i++)
            {
                var kind = Scenario.KindOf(scenario.Setup[i]);
                var failure = await RunSetupStepAsync(kind, scenario.Setup[i]);
                if (failure is not null)
                {
                    output.WriteLine($"  FAIL  setup {i + 1} {kind}: {failure}");
                    return false;
                }
            }
            await LaunchAsync();
            for (var i = 0; i < scenario.Steps.Count; i++)
            {
                var step = scenario.Steps[i];
                var kind = Scenario.KindOf(step);
                string? failure;
                try
                {
                    failure = await RunStepAsync(kind, step);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failure = $"{e.GetType().Name}: {e.Message}";
                }
                output.WriteLine(failure is null ? $"  ok    step {i + 1} {kind}" : $"  FAIL  step {i + 1} {kind}: {failure}");
                passed &= failure is null;
            }
        }
        finally
        {
            if (_query is not null && await _query.IsActiveAsync())
            {
                await _query.StopAsync();
            }
            if (_kafka is not null)
            {
                silo.DisposeAtEnd(_kafka);
            }
        }
        return passed;
    }

    private void ReadSpec(Scenario scenario, int index)
    {
        try
        {
            var spec = SpecReader.ReadQuery(new Node(scenario.Query, "$"));
            _spec = spec with
            {
                Source = Rename(spec.Source),
                Operators = spec.Operators.Select(op => op switch
                {
                    UnionSpec u => u with { Other = u.Other with { Source = Rename(u.Other.Source) } },
                    JoinSpec j => j with { Right = j.Right with { Source = Rename(j.Right.Source) } },
                    _ => op,
                }).ToList(),
                Sink = spec.Sink.Kind == "kafka" && spec.Sink.BootstrapServers is null ? spec.Sink with { BootstrapServers = _kafka?.BootstrapServers } : spec.Sink,
                // Batches run when a step asks; a query that runs what is there and stops keeps its trigger, and a
                // step then waits for it to stop (FORMAT.md's manual trigger cannot show how those triggers split batches).
                Trigger = spec.Trigger.Kind is TriggerKind.AvailableNow or TriggerKind.Once ? spec.Trigger : TriggerSpec.Manual,
                CheckpointLocation = $"scenario-{index}-{Guid.NewGuid():N}",
            };
        }
        catch (SpecException e)
        {
            _startError = e.Message;
        }
    }

    private bool RunsToEnd => _spec!.Trigger.Kind is TriggerKind.AvailableNow or TriggerKind.Once;

    private async Task LaunchAsync()
    {
        if (_spec is null)
        {
            return;
        }
        try
        {
            _query = await silo.Client.StartAsync(_spec);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any refusal at start is the query's start error (a connector's settings check throws ArgumentException),
            // never the end of the whole run.
            _startError = e.Message;
        }
    }

    /// <summary>A step before the query starts: Kafka topics and records, rows or files already there at start.</summary>
    private async Task<string?> RunSetupStepAsync(string kind, JsonElement step)
    {
        if (_kafka is not null && kind is "createTopic" or "sendKafka")
        {
            _kafka.Run(kind, step);
            return null;
        }
        if (kind is not ("addData" or "addFile"))
        {
            return "unknown setup step; setup steps are createTopic, sendKafka, addData and addFile";
        }
        if (_spec is null)
        {
            return $"the query spec is invalid: {_startError}";
        }
        return await RunStepAsync(kind, step);
    }

    private string StreamName(string? name) => _prefix + (name ?? "input");

    // Every source gets the scenario's prefix: a memory source's name is the stream addData writes to, and other
    // kinds only show the name in progress. A Kafka source that names no broker reads the scenario's own.
    private SourceSpec Rename(SourceSpec source) => source with
    {
        Name = StreamName(source.Name),
        BootstrapServers = source.Kind == "kafka" && source.BootstrapServers is null ? _kafka?.BootstrapServers : source.BootstrapServers,
    };

    private async Task<string?> RunStepAsync(string kind, JsonElement step)
    {
        if (kind == "expectError")
        {
            var text = step.GetProperty("expectError").GetString()!;
            var error = _startError ?? await RunErrorAsync();
            return error is null ? $"the query started and processed its data; expected an error containing '{text}'"
                : error.Contains(text, StringComparison.OrdinalIgnoreCase) ? null
                : $"the error '{error}' does not contain '{text}'";
        }
        if (_spec is null || (_query is null && kind is not ("addData" or "addFile")))
        {
            return $"the query did not start: {_startError}";
        }
        switch (kind)
        {
            case "addData":
                var source = step.TryGetProperty("source", out var s) ? s.GetString() : null;
                var rows = step.GetProperty("addData").EnumerateArray().Select(r => r.GetRawText()).ToArray();
                await silo.Client.AddDataAsync(source is null ? _spec.Source.Name! : StreamName(source), rows);
                return null;
            case "addFile":
                AddFile(step);
                return null;
            case "createTopic" or "sendKafka":
                _kafka!.Run(kind, step);
                return null;
            case "checkKafka":
                await ProcessAllAvailableAsync();
                return _kafka!.Check(step);
            case "processAllAvailable":
                await ProcessAllAvailableAsync();
                return null;
            case "checkNewAnswer":
                return await CheckAsync(step.GetProperty("checkNewAnswer"), onlyNew: true);
            case "checkAnswer":
                return await CheckAsync(step.GetProperty("checkAnswer"), onlyNew: false);
            case "advanceClock":
                silo.Clock.Advance(Durations.Parse(step.GetProperty("advanceClock").GetString()!));
                return null;
            case "restart":
                _ledger.Add(await _query!.RecentProgressAsync());
                await _query.StopAsync();
                _query = await silo.Client.StartAsync(_spec);
                _runError = null; // a failure before the restart is not the restarted query's
                return null;
            case "checkBatches":
                await ProcessAllAvailableAsync();
                return CheckBatches(step.GetProperty("checkBatches"));
            case "assertProgress":
                await ProcessAllAvailableAsync();
                return _ledger.Assert(step.GetProperty("assertProgress"));
            default:
                return $"unknown step '{kind}'";
        }
    }

    /// <summary>
    /// Writes a file into a <c>files</c> source's folder the way producers should (a hidden name, then a rename into
    /// place): <c>{"addFile": "a.json", "rows": [...]}</c> (one JSON object per line) or <c>"lines": ["..."]</c>; with
    /// <c>"source": name</c> for a named source. The name may have folders (<c>"partition=foo/a.json"</c>). Each file is a second newer than the one before, so files are taken in step order.
    /// </summary>
    private void AddFile(JsonElement step)
    {
        var source = step.TryGetProperty("source", out var s) ? AllSources().First(x => x.Name == StreamName(s.GetString())) : _spec!.Source;
        var folder = Path.Combine(silo.CheckpointRoot, source.Path ?? throw new InvalidOperationException("addFile needs a source with a path"));
        Directory.CreateDirectory(folder);
        var lines = step.TryGetProperty("lines", out var l)
            ? l.EnumerateArray().Select(x => x.GetString() ?? "")
            : step.GetProperty("rows").EnumerateArray().Select(JsonLine);
        var target = Path.Combine(folder, step.GetProperty("addFile").GetString()!);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.tmp");
        File.WriteAllLines(temp, lines);
        File.SetLastWriteTimeUtc(temp, DateTime.UnixEpoch.AddYears(30).AddSeconds(++_files));
        File.Move(temp, target);
    }

    /// <summary>
    /// A row as one line of JSON. Not its raw text: a scenario file laid out over several lines would write each row
    /// over several lines, and a JSON-lines reader takes every line as a record (three malformed rows of nulls per row).
    /// </summary>
    private static string JsonLine(JsonElement row) => JsonSerializer.Serialize(row);

    private IEnumerable<SourceSpec> AllSources() =>
        new[] { _spec!.Source }.Concat(_spec.Operators.Select(op => op switch
        {
            UnionSpec u => u.Other.Source,
            JoinSpec j => j.Right.Source,
            _ => null,
        }).OfType<SourceSpec>());

    /// <summary>
    /// A started query's failure (Spark's <c>ExpectFailure</c>): what processing the data added so far threw, or null
    /// when it ran; consecutive <c>expectError</c> steps check the same failure.
    /// </summary>
    private async Task<string?> RunErrorAsync()
    {
        if (_runError is not null || _query is null)
        {
            return _runError;
        }
        try
        {
            await ProcessAllAvailableAsync();
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return _runError = e.Message;
        }
    }

    private async Task ProcessAllAvailableAsync()
    {
        if (RunsToEnd)
        {
            await _query!.AwaitTerminationAsync();
        }
        else
        {
            await _query!.ProcessAllAvailableAsync();
        }
        _ledger.Add(await _query.RecentProgressAsync());
    }

    /// <summary>
    /// <c>{"checkBatches": {"0": [rows], "1": [rows]}}</c>: the batches the <c>scenarioBatches</c> foreachBatch handler
    /// was called with, by batch id: exactly these ids, each with these rows (a multiset).
    /// </summary>
    private static string? CheckBatches(JsonElement expected)
    {
        var recorded = ScenarioBatchRecorder.Recorded;
        var ids = expected.EnumerateObject().Select(p => long.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        if (!ids.SetEquals(recorded.Keys))
        {
            return $"the handler was called for batches [{string.Join(", ", recorded.Keys.Order())}], expected [{string.Join(", ", ids.Order())}]";
        }
        foreach (var batch in expected.EnumerateObject())
        {
            var failure = RowMatcher.Compare(batch.Value.EnumerateArray().ToList(), recorded[long.Parse(batch.Name, System.Globalization.CultureInfo.InvariantCulture)]);
            if (failure is not null)
            {
                return $"batch {batch.Name}: {failure}";
            }
        }
        return null;
    }

    /// <summary>
    /// Compares the sink's rows: the memory sink's, or for a <c>json</c> or <c>parquet</c> sink the committed rows of
    /// its folder (as its manifest lists them, so a batch re-run after a restart must not add rows twice).
    /// </summary>
    private async Task<string?> CheckAsync(JsonElement expected, bool onlyNew)
    {
        await ProcessAllAvailableAsync();
        var all = _spec!.Sink.Kind is "json" or "parquet"
            ? await FileSinkReader.ReadRowsAsync(Path.Combine(silo.CheckpointRoot, _spec.Sink.Path!))
            : await silo.Client.ReadMemorySinkJsonAsync(_spec.Name);
        IReadOnlyList<JsonObject> actual = onlyNew && _spec.OutputMode != OutputMode.Complete ? all.Skip(_seenRows).ToList() : all;
        _seenRows = all.Count;
        return RowMatcher.Compare(expected.EnumerateArray().ToList(), actual);
    }
}
