using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Connectors;

/// <summary>Helpers connectors share for the spec's <c>schema</c> field.</summary>
public static class SourceSchema
{
    /// <summary>The spec's columns as a schema; an unknown type is a <see cref="SpecException"/> naming the column.</summary>
    public static StreamSchema FromSpec(IReadOnlyList<KeyValuePair<string, string>> columns, string path = "$.source") =>
        new(columns.Select(c => new Column(c.Key, DataType.TryParse(c.Value, out var t) ? t
            : throw new SpecException($"{path}.schema.{c.Key}", $"unknown type '{c.Value}'; use one of {DataType.ValidNames}{DataType.Instead(c.Value)}"))).ToList());

    /// <summary>Throws <see cref="SpecException"/> when the spec has no <c>schema</c>.</summary>
    public static void Require(SourceSpec spec, string path, string why) =>
        _ = spec.Schema.Count > 0 ? FromSpec(spec.Schema, path)
            : throw new SpecException($"{path}.schema", $"{why} needs a schema, an object of column name to type ({DataType.ValidNames})");

    /// <summary>
    /// Refuses a <c>schema</c> for a source whose columns are fixed (<paramref name="provider"/> is Spark's name for it,
    /// as in Spark's "RateStreamProvider source does not support user-specified schema"), rather than ignoring it.
    /// </summary>
    public static void RefuseSchema(SourceSpec spec, string path, string provider, StreamSchema columns)
    {
        if (spec.Schema.Count > 0)
        {
            throw new SpecException($"{path}.schema",
                $"{provider} source does not support user-specified schema; its columns are {columns.Describe()}: remove 'schema' (rename or cast them with a select)");
        }
    }

    /// <summary>Refuses fields of other kinds.</summary>
    public static void RequireKnownSettings(SourceSpec spec, string path, ISourceConnector connector) =>
        new SpecSettings(spec.Settings, path).RequireKnown(connector.Settings, $"{connector.Kind} source", SpecReader.SourceFields);
}
