using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>The output schema of a Kafka source, from its spec.</summary>
internal static class KafkaSchemas
{
    public const string JsonFormat = "json";
    public const string RawFormat = "raw";

    /// <summary>
    /// <see cref="KafkaRawSchema.Schema"/> for format <c>raw</c>; the spec's schema for format <c>json</c>
    /// (a <c>_corrupt_record</c> string column there receives malformed records' text).
    /// </summary>
    public static StreamSchema For(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (IsRaw(spec))
        {
            return KafkaRawSchema.Schema;
        }
        if (spec.Schema.Count == 0)
        {
            throw new ArgumentException(
                $"The Kafka source on topic '{spec.Topic}' reads format json but has no schema; give its columns as \"schema\": {{\"name\": \"type\", ...}} ({DataType.ValidNames}), or use format raw.",
                nameof(spec));
        }
        var columns = new List<Column>(spec.Schema.Count);
        foreach (var (name, typeName) in spec.Schema)
        {
            if (!DataType.TryParse(typeName, out var type))
            {
                throw new ArgumentException(
                    $"Column '{name}' of the Kafka source on topic '{spec.Topic}' has unknown type '{typeName}'; use one of {DataType.ValidNames}.", nameof(spec));
            }
            columns.Add(new Column(name, type));
        }
        return new StreamSchema(columns);
    }

    /// <summary>True for format <c>raw</c>, false for <c>json</c>; anything else is refused.</summary>
    public static bool IsRaw(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var format = spec.Format?.Trim() ?? JsonFormat;
        if (format.Equals(RawFormat, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (format.Length == 0 || format.Equals(JsonFormat, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        throw new ArgumentException($"The Kafka source on topic '{spec.Topic}' has format '{spec.Format}'; use json or raw.", nameof(spec));
    }
}
