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
    private static readonly string[] SourceFields =
        ["kind", "name", "schema", "bootstrapServers", "topic", "startingOffsets", "maxOffsetsPerTrigger", "format", "mode", "rowsPerSecond", "options", "path", "rows"];
    private static readonly string[] SinkFields = ["kind", "numRows", "options", "path", "topic", "bootstrapServers", "handler", "key"];
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
            WatermarkPolicy = q.Optional("watermarkPolicy")?.Enum<WatermarkPolicy>() ?? WatermarkPolicy.Min,
            Options = q.Optional("options")?.StringMap() ?? new Dictionary<string, string>(),
        };
    }

    private static SourceSpec ReadSource(Node s)
    {
        s.RequireObject(SourceFields);
        var kind = s.Required("kind").OneOf("kafka", "rate", "memory", "table", "generator", "nexmark");
        var spec = new SourceSpec
        {
            Kind = kind,
            Name = s.Optional("name")?.String(),
            Schema = s.Optional("schema")?.Schema() ?? [],
            BootstrapServers = s.Optional("bootstrapServers")?.String(),
            Topic = s.Optional("topic")?.String(),
            StartingOffsets = s.Optional("startingOffsets")?.StringOrRawObject() ?? "latest",
            MaxOffsetsPerTrigger = s.Optional("maxOffsetsPerTrigger")?.PositiveLong(),
            Format = s.Optional("format")?.OneOf("json", "raw") ?? "json",
            Mode = s.Optional("mode")?.OneOf("PERMISSIVE", "DROPMALFORMED", "FAILFAST").ToUpperInvariant() ?? "PERMISSIVE",
            RowsPerSecond = s.Optional("rowsPerSecond")?.PositiveLong() ?? 1,
            Options = s.Optional("options")?.StringMap() ?? new Dictionary<string, string>(),
            Path = s.Optional("path")?.String(),
            Rows = s.Optional("rows")?.Array(r => r.Element.ValueKind == JsonValueKind.Object ? r.Element.GetRawText() : throw new SpecException(r.Path, "expected a row object")) ?? [],
        };
        if (kind == "table" && spec.Path is null && spec.Rows.Count == 0)
        {
            throw new SpecException(s.Path + ".rows", "a table source needs rows (an array of objects) or a path (JSON-lines files)");
        }
        if (kind == "kafka" && spec.Topic is null)
        {
            throw new SpecException(s.Path + ".topic", "a kafka source needs a topic");
        }
        if ((kind is "memory" or "table" || (kind == "kafka" && spec.Format == "json")) && spec.Schema.Count == 0)
        {
            throw new SpecException(s.Path + ".schema", $"a {kind} source{(kind == "kafka" ? " with format json" : "")} needs a schema, an object of column name to type ({Data.DataType.ValidNames})");
        }
        return spec;
    }

    private static SinkSpec ReadSink(Node s)
    {
        s.RequireObject(SinkFields);
        var sink = new SinkSpec
        {
            Kind = s.Required("kind").OneOf("memory", "console", "parquet", "json", "kafka", "foreachBatch", "stream"),
            NumRows = (int)(s.Optional("numRows")?.PositiveLong() ?? 20),
            Options = s.Optional("options")?.StringMap() ?? new Dictionary<string, string>(),
            Path = s.Optional("path")?.String(),
            Topic = s.Optional("topic")?.String(),
            BootstrapServers = s.Optional("bootstrapServers")?.String(),
            Handler = s.Optional("handler")?.String(),
            Key = s.Optional("key")?.String(),
        };
        var missing = sink.Kind switch
        {
            "parquet" or "json" when sink.Path is null => ("path", $"a {sink.Kind} sink needs a path (the output folder)"),
            "kafka" when sink.Topic is null => ("topic", "a kafka sink needs a topic"),
            "foreachBatch" when sink.Handler is null => ("handler", "a foreachBatch sink needs the name of a registered handler"),
            _ => default((string, string)?),
        };
        return missing is { } m ? throw new SpecException($"{s.Path}.{m.Item1}", m.Item2) : sink;
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

    private static OperatorSpec ReadOperator(Node o)
    {
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
                return new WithWatermarkSpec(o.Required("column").String(), o.Required("delay").Duration(allowZero: true));
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
                    o.Optional("joinType")?.OneOf("inner", "leftOuter", "rightOuter", "fullOuter", "leftSemi") ?? "inner",
                    o.Required("condition").String());
        }
    }

    private static SubStreamSpec ReadSubStream(Node n)
    {
        n.RequireObject(["source", "operators"]);
        return new SubStreamSpec(ReadSource(n.Required("source")), n.Optional("operators")?.Array(ReadOperator) ?? []);
    }
}
