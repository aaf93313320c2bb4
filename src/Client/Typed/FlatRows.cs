using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Sluice.Client.Typed;

/// <summary>
/// A row of a typed aggregation: the grouping keys, then the aggregates, as Spark lays them out in one flat row. In
/// lambdas, <c>r.Key.ProductId</c> and <c>r.Value.Revenue</c> are the columns <c>ProductId</c> and <c>Revenue</c>.
/// </summary>
/// <param name="Key">The grouping keys.</param>
/// <param name="Value">The aggregates.</param>
[JsonConverter(typeof(FlatRowConverterFactory))]
public sealed record Keyed<TKey, TValue>(TKey Key, TValue Value);

/// <summary>A row of a typed stream-stream or stream-static join: the left row's columns, then the right's, in one flat row.</summary>
/// <param name="Left">The left row.</param>
/// <param name="Right">The right row (null properties where an outer join found no match).</param>
[JsonConverter(typeof(FlatRowConverterFactory))]
public sealed record Joined<TLeft, TRight>(TLeft Left, TRight Right);

/// <summary>Reads one flat JSON row into both halves of a <see cref="Keyed{TKey, TValue}"/> or <see cref="Joined{TLeft, TRight}"/>, and writes them back flat.</summary>
internal sealed class FlatRowConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() is var d && (d == typeof(Keyed<,>) || d == typeof(Joined<,>));

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(FlatRowConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class FlatRowConverter<T> : JsonConverter<T>
    {
        private readonly Type[] _parts = typeof(T).GetGenericArguments();

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var row = JsonElement.ParseValue(ref reader);
            var halves = _parts.Select(p => row.Deserialize(p, options)).ToArray();
            return (T)Activator.CreateInstance(typeof(T), halves)!;
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            var flat = new JsonObject();
            foreach (var half in typeof(T).GetProperties().Where(p => p.Name is "Key" or "Value" or "Left" or "Right"))
            {
                if (JsonSerializer.SerializeToNode(half.GetValue(value), half.PropertyType, options) is JsonObject part)
                {
                    foreach (var (name, node) in part)
                    {
                        flat[name] = node?.DeepClone();
                    }
                }
            }
            flat.WriteTo(writer, options);
        }
    }
}
