using System.Text;
using System.Text.Json;

namespace Sluice.Spec;

/// <summary>Writes a query spec as JSON in the form <see cref="SpecReader"/> reads (a round trip keeps it equal).</summary>
public static class SpecWriter
{
    public static string Write(QuerySpec spec, bool indented = true)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("name", spec.Name);
            w.WritePropertyName("source");
            WriteSource(w, spec.Source);
            w.WritePropertyName("operators");
            WriteOperators(w, spec.Operators);
            w.WritePropertyName("sink");
            WriteSink(w, spec.Sink);
            w.WriteString("outputMode", Camel(spec.OutputMode.ToString()));
            w.WritePropertyName("trigger");
            WriteTrigger(w, spec.Trigger);
            if (spec.CheckpointLocation is not null)
            {
                w.WriteString("checkpointLocation", spec.CheckpointLocation);
            }
            w.WriteString("watermarkPolicy", Camel(spec.WatermarkPolicy.ToString()));
            WriteMap(w, "options", spec.Options);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteSource(Utf8JsonWriter w, SourceSpec s)
    {
        w.WriteStartObject();
        w.WriteString("kind", s.Kind);
        WriteIfSet(w, "name", s.Name);
        if (s.Schema.Count > 0)
        {
            w.WriteStartObject("schema");
            foreach (var (name, type) in s.Schema)
            {
                w.WriteString(name, type);
            }
            w.WriteEndObject();
        }
        WriteIfSet(w, "bootstrapServers", s.BootstrapServers);
        WriteIfSet(w, "topic", s.Topic);
        if (s.StartingOffsets.TrimStart().StartsWith('{'))
        {
            w.WritePropertyName("startingOffsets");
            w.WriteRawValue(s.StartingOffsets);
        }
        else
        {
            w.WriteString("startingOffsets", s.StartingOffsets);
        }
        if (s.MaxOffsetsPerTrigger is { } max)
        {
            w.WriteNumber("maxOffsetsPerTrigger", max);
        }
        w.WriteString("format", s.Format);
        w.WriteString("mode", s.Mode);
        w.WriteNumber("rowsPerSecond", s.RowsPerSecond);
        WriteIfSet(w, "path", s.Path);
        if (s.Rows.Count > 0)
        {
            w.WriteStartArray("rows");
            foreach (var row in s.Rows)
            {
                w.WriteRawValue(row);
            }
            w.WriteEndArray();
        }
        WriteMap(w, "options", s.Options);
        WriteSettings(w, s.Settings);
        w.WriteEndObject();
    }

    private static void WriteSettings(Utf8JsonWriter w, IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (name, json) in settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            w.WritePropertyName(name);
            w.WriteRawValue(json);
        }
    }

    private static void WriteSink(Utf8JsonWriter w, SinkSpec s)
    {
        w.WriteStartObject();
        w.WriteString("kind", s.Kind);
        w.WriteNumber("numRows", s.NumRows);
        WriteIfSet(w, "path", s.Path);
        WriteIfSet(w, "topic", s.Topic);
        WriteIfSet(w, "bootstrapServers", s.BootstrapServers);
        WriteIfSet(w, "handler", s.Handler);
        WriteIfSet(w, "key", s.Key);
        WriteMap(w, "options", s.Options);
        WriteSettings(w, s.Settings);
        w.WriteEndObject();
    }

    private static void WriteTrigger(Utf8JsonWriter w, TriggerSpec t)
    {
        w.WriteStartObject();
        switch (t.Kind)
        {
            case TriggerKind.ProcessingTime: w.WriteString("processingTime", Durations.Format(t.Interval)); break;
            case TriggerKind.AvailableNow: w.WriteBoolean("availableNow", true); break;
            case TriggerKind.Once: w.WriteBoolean("once", true); break;
            case TriggerKind.Manual: w.WriteBoolean("manual", true); break;
            case TriggerKind.Default: break;
        }
        w.WriteEndObject();
    }

    private static void WriteOperators(Utf8JsonWriter w, IReadOnlyList<OperatorSpec> operators)
    {
        w.WriteStartArray();
        foreach (var op in operators)
        {
            w.WriteStartObject();
            w.WriteString("op", op.Op);
            switch (op)
            {
                case SelectSpec s: WriteStrings(w, "columns", s.Columns); break;
                case FilterSpec f: w.WriteString("condition", f.Condition); break;
                case WithWatermarkSpec m:
                    w.WriteString("column", m.Column);
                    w.WriteString("delay", Durations.Format(m.Delay));
                    break;
                case GroupBySpec g:
                    WriteStrings(w, "keys", g.Keys);
                    WriteStrings(w, "aggs", g.Aggs);
                    break;
                case DropDuplicatesSpec d:
                    if (d.Columns is not null)
                    {
                        WriteStrings(w, "columns", d.Columns);
                    }
                    w.WriteBoolean("withinWatermark", d.WithinWatermark);
                    break;
                case GroupsWithStateSpec g:
                    WriteStrings(w, "keys", g.Keys);
                    w.WriteString("processor", g.Processor);
                    w.WriteString("timeout", g.Timeout);
                    w.WriteString("outputMode", Camel(g.OutputMode.ToString()));
                    break;
                case UnionSpec u:
                    w.WritePropertyName("other");
                    WriteSubStream(w, u.Other);
                    break;
                case JoinSpec j:
                    w.WritePropertyName("right");
                    WriteSubStream(w, j.Right);
                    w.WriteString("joinType", j.JoinType);
                    w.WriteString("condition", j.Condition);
                    break;
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteSubStream(Utf8JsonWriter w, SubStreamSpec s)
    {
        w.WriteStartObject();
        w.WritePropertyName("source");
        WriteSource(w, s.Source);
        w.WritePropertyName("operators");
        WriteOperators(w, s.Operators);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }
        w.WriteStartObject(name);
        foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteString(k, v);
        }
        w.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];
}
