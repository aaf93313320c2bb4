using System.Text.Json;

namespace Sluice.Spec;

/// <summary>
/// Reads a query spec from JSON. Every error names the JSON path of the bad field and what was expected,
/// for example <c>Invalid query spec at $.operators[1].op: unknown op 'fliter'; expected one of select, filter, ...</c>.
/// </summary>
public static class SpecReader
{
    private static readonly string[] QueryFields =
        ["name", "source", "operators", "sink", "outputMode", "trigger", "checkpointLocation", "watermarkPolicy", "options"];
    /// <summary>The fields every source may have; any other is a field of its kind (<see cref="SourceSpec.Settings"/>).</summary>
    public static readonly IReadOnlyList<string> SourceFields =
        ["kind", "name", "schema", "bootstrapServers", "topic", "startingOffsets", "maxOffsetsPerTrigger", "format", "mode", "rowsPerSecond", "options", "path", "rows"];
    /// <summary>The fields every sink may have; any other is a field of its kind (<see cref="SinkSpec.Settings"/>).</summary>
    public static readonly IReadOnlyList<string> SinkFields = ["kind", "numRows", "options", "path", "topic", "bootstrapServers", "handler", "key"];
    private static readonly string[] Ops =
        ["select", "filter", "withWatermark", "groupBy", "dropDuplicates", "flatMapGroupsWithState", "mapGroupsWithState", "union", "join"];

    public static QuerySpec Read(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new SpecException($"$ (line {e.LineNumber + 1}, byte {e.BytePositionInLine})", $"not valid JSON: {e.Message}");
        }
        using (doc)
        {
            return ReadQuery(new Node(doc.RootElement, "$"));
        }
    }

    public static QuerySpec ReadQuery(Node q)
    {
        q.RequireObject(QueryFields);
        return new QuerySpec
        {
            Name = q.Required("name").String(),
            Source = ReadSource(q.Required("source")),
            Operators = q.Optional("operators")?.Array(ReadOperator) ?? [],
            Sink = ReadSink(q.Required("sink")),
            OutputMode = q.Optional("outputMode")?.Enum<OutputMode>() ?? OutputMode.Append,
            Trigger = q.Optional("trigger") is { } t ? ReadTrigger(t) : TriggerSpec.Default,
            CheckpointLocation = q.Optional("checkpointLocation")?.String(),
            WatermarkPolicy = q.Optional("watermarkPolicy") is { } policy ? ReadWatermarkPolicy(policy) : WatermarkPolicy.Min,
            Options = q.Optional("options")?.StringMap() ?? new Dictionary<string, string>(),
        };
    }

    /// <summary>Spark's <c>spark.sql.streaming.multipleWatermarkPolicy</c>, with its message for another value.</summary>
    private static WatermarkPolicy ReadWatermarkPolicy(Node p)
    {
        var text = p.Element.ValueKind == JsonValueKind.String ? p.Element.GetString()!.Trim() : p.Element.GetRawText();
        return text.ToLowerInvariant() switch
        {
            "min" => WatermarkPolicy.Min,
            "max" => WatermarkPolicy.Max,
            _ => throw new SpecException(p.Path, $"unknown watermark policy '{text}': valid values are 'min' and 'max'"),
        };
    }

    private static SourceSpec ReadSource(Node s)
    {
        RequireObject(s);
        var kind = s.Required("kind").String();
        var spec = new SourceSpec
        {
            Kind = kind,
            Name = s.Optional("name")?.String(),
            Schema = s.Optional("schema")?.Schema() ?? [],
            BootstrapServers = s.Optional("bootstrapServers")?.String(),
            Topic = s.Optional("topic")?.String(),
            StartingOffsets = s.Optional("startingOffsets")?.StringOrRawObject() ?? "latest",
            MaxOffsetsPerTrigger = s.Optional("maxOffsetsPerTrigger")?.PositiveLong(),
            Format = s.Optional("format")?.String() ?? "json",
            Mode = s.Optional("mode")?.OneOf("PERMISSIVE", "DROPMALFORMED", "FAILFAST").ToUpperInvariant() ?? "PERMISSIVE",
            RowsPerSecond = s.Optional("rowsPerSecond")?.PositiveLong() ?? 1,
            Options = s.Optional("options")?.StringMap() ?? new Dictionary<string, string>(),
            Path = s.Optional("path")?.String(),
            Rows = s.Optional("rows")?.Array(r => r.Element.ValueKind == JsonValueKind.Object ? r.Element.GetRawText() : throw new SpecException(r.Path, "expected a row object")) ?? [],
            Settings = Settings(s, SourceFields),
        };
        return spec;
    }

    /// <summary>
    /// The fields of a source or sink that are not common to all kinds (a files source's <c>maxFilesPerTrigger</c>, a
    /// socket source's <c>host</c>), as raw JSON: the connector of the kind reads and checks them when the query starts,
    /// so a connector registered on the silo needs no change here.
    /// </summary>
    private static Dictionary<string, string> Settings(Node node, IReadOnlyList<string> common)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in node.Element.EnumerateObject())
        {
            if (!common.Contains(property.Name, StringComparer.Ordinal) && property.Value.ValueKind != JsonValueKind.Null)
            {
                settings[property.Name] = property.Value.GetRawText();
            }
        }
        return settings;
    }

    private static void RequireObject(Node node)
    {
        if (node.Element.ValueKind != JsonValueKind.Object)
        {
            throw new SpecException(node.Path, $"expected an object, found {node.Element.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    private static SinkSpec ReadSink(Node s)
    {
        RequireObject(s);
        return new SinkSpec
        {
            Kind = s.Required("kind").String(),
            NumRows = (int)(s.Optional("numRows")?.PositiveLong() ?? 20),
            Options = s.Optional("options")?.StringMap() ?? new Dictionary<string, string>(),
            Path = s.Optional("path")?.String(),
            Topic = s.Optional("topic")?.String(),
            BootstrapServers = s.Optional("bootstrapServers")?.String(),
            Handler = s.Optional("handler")?.String(),
            Key = s.Optional("key")?.String(),
            Settings = Settings(s, SinkFields),
        };
    }

    private static TriggerSpec ReadTrigger(Node t)
    {
        string[] kinds = ["processingTime", "availableNow", "once", "manual"];
        t.RequireObject(kinds);
        var given = kinds.Where(k => t.Optional(k) is not null).ToList();
        if (given.Count > 1)
        {
            throw new SpecException(t.Path, $"a trigger has one kind, found {string.Join(" and ", given)}; keep one of them");
        }
        if (t.Optional("processingTime") is { } p)
        {
            return TriggerSpec.ProcessingTime(p.Duration());
        }
        if (t.Optional("availableNow")?.Bool() == true)
        {
            return TriggerSpec.AvailableNow;
        }
        if (t.Optional("once")?.Bool() == true)
        {
            return TriggerSpec.Once;
        }
        return t.Optional("manual")?.Bool() == true ? TriggerSpec.Manual : TriggerSpec.Default;
    }

    /// <summary>Spark operators a query spec has no counterpart for, and what to write instead.</summary>
    private static readonly Dictionary<string, string> MissingOps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["limit"] = "Sluice has no streaming limit (Spark's keeps a count of the rows it has output in state); filter the rows you need, or take the first rows where the sink's output is read",
        ["orderBy"] = "Sluice has no sort; Spark sorts a streaming DataFrame only after an aggregation in complete mode: sort the result where the sink's output is read",
        ["sort"] = "Sluice has no sort; Spark sorts a streaming DataFrame only after an aggregation in complete mode: sort the result where the sink's output is read",
        ["distinct"] = "write distinct() as dropDuplicates with no columns (all columns), or as a groupBy on every column",
    };

    private static OperatorSpec ReadOperator(Node o)
    {
        if (o.Optional("op") is { } named && named.Element.ValueKind == JsonValueKind.String && MissingOps.TryGetValue(named.Element.GetString()!, out var instead))
        {
            throw new SpecException(named.Path, $"the '{named.Element.GetString()}' operator is not supported; {instead}");
        }
        var op = o.Required("op").OneOf(Ops);
        switch (op)
        {
            case "select":
                o.RequireObject(["op", "columns"]);
                return new SelectSpec(o.Required("columns").Strings(nonEmpty: true));
            case "filter":
                o.RequireObject(["op", "condition"]);
                return new FilterSpec(o.Required("condition").String());
            case "withWatermark":
                o.RequireObject(["op", "column", "delay"]);
                return new WithWatermarkSpec(o.Required("column").String(), o.Required("delay").WatermarkDelay());
            case "groupBy":
                o.RequireObject(["op", "keys", "aggs"]);
                return new GroupBySpec(o.Optional("keys")?.Strings(nonEmpty: false) ?? [], o.Required("aggs").Strings(nonEmpty: true));
            case "dropDuplicates":
                o.RequireObject(["op", "columns", "withinWatermark"]);
                return new DropDuplicatesSpec(o.Optional("columns")?.Strings(nonEmpty: true), o.Optional("withinWatermark")?.Bool() ?? false);
            case "flatMapGroupsWithState":
            case "mapGroupsWithState":
                o.RequireObject(["op", "keys", "processor", "timeout", "outputMode"]);
                return new GroupsWithStateSpec(
                    op == "flatMapGroupsWithState",
                    o.Required("keys").Strings(nonEmpty: true),
                    o.Required("processor").String(),
                    o.Optional("timeout")?.OneOf("none", "processingTime", "eventTime") ?? "none",
                    o.Optional("outputMode")?.Enum<OutputMode>() ?? OutputMode.Update);
            case "union":
                o.RequireObject(["op", "other"]);
                return new UnionSpec(ReadSubStream(o.Required("other")));
            default:
                o.RequireObject(["op", "right", "joinType", "condition"]);
                return new JoinSpec(
                    ReadSubStream(o.Required("right")),
                    o.Optional("joinType")?.OneOf("inner", "leftOuter", "rightOuter", "fullOuter", "leftSemi", "leftAnti") ?? "inner",
                    o.Required("condition").String());
        }
    }

    private static SubStreamSpec ReadSubStream(Node n)
    {
        n.RequireObject(["source", "operators"]);
        return new SubStreamSpec(ReadSource(n.Required("source")), n.Optional("operators")?.Array(ReadOperator) ?? []);
    }
}
