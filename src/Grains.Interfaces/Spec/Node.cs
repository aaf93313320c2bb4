using System.Text.Json;
using Sluice.Data;

namespace Sluice.Spec;

/// <summary>A JSON element with its path, so each read can say where a spec went wrong.</summary>
public readonly record struct Node(JsonElement Element, string Path)
{
    public void RequireObject(IReadOnlyCollection<string> allowed)
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Wrong("an object");
        }
        foreach (var property in Element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                throw new SpecException($"{Path}.{property.Name}", $"unknown field '{property.Name}'; expected one of {string.Join(", ", allowed)}");
            }
        }
    }

    public Node Required(string name) =>
        Optional(name) ?? throw new SpecException($"{Path}.{name}", "missing required field");

    public Node? Optional(string name) =>
        Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? new Node(value, $"{Path}.{name}")
            : null;

    public string String()
    {
        if (Element.ValueKind != JsonValueKind.String)
        {
            throw Wrong("a string");
        }
        var text = Element.GetString()!;
        return text.Trim().Length == 0 ? throw new SpecException(Path, "expected a non-empty string") : text;
    }

    public bool Bool() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Wrong("true or false"),
    };

    public long PositiveLong() =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetInt64(out var n) && n > 0 ? n : throw Wrong("a positive whole number");

    /// <param name="allowZero">Whether "0 seconds" is valid (a watermark delay may be 0, as in Spark; an interval may not).</param>
    public TimeSpan Duration(bool allowZero = false) =>
        Element.ValueKind == JsonValueKind.String && Durations.TryParse(Element.GetString(), out var d) && (d > TimeSpan.Zero || (allowZero && d == TimeSpan.Zero))
            ? d
            : throw Wrong(allowZero ? Durations.Expected + " (0 allowed)" : Durations.Expected);

    /// <summary>A <c>withWatermark</c> delay, read as Spark reads it (see <see cref="WatermarkDelays"/>).</summary>
    public TimeSpan WatermarkDelay()
    {
        if (Element.ValueKind != JsonValueKind.String)
        {
            throw Wrong(WatermarkDelays.Expected);
        }
        return WatermarkDelays.Parse(Element.GetString()!, out var error) ?? throw new SpecException(Path, error!);
    }

    public string OneOf(params string[] allowed)
    {
        var text = String();
        return allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new SpecException(Path, $"unknown value '{text}'; expected one of {string.Join(", ", allowed)}");
    }

    public T Enum<T>() where T : struct, Enum
    {
        var names = System.Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]).ToArray();
        return System.Enum.Parse<T>(OneOf(names), ignoreCase: true);
    }

    /// <summary>A string as is, or an object kept as its raw JSON text (Kafka's per-partition <c>startingOffsets</c>).</summary>
    public string StringOrRawObject() => Element.ValueKind == JsonValueKind.Object ? Element.GetRawText() : String();

    public IReadOnlyList<T> Array<T>(Func<Node, T> read)
    {
        if (Element.ValueKind != JsonValueKind.Array)
        {
            throw Wrong("an array");
        }
        var path = Path;
        return Element.EnumerateArray().Select((e, i) => read(new Node(e, $"{path}[{i}]"))).ToList();
    }

    public IReadOnlyList<string> Strings(bool nonEmpty)
    {
        var list = Array(n => n.String());
        return nonEmpty && list.Count == 0 ? throw Wrong("a non-empty array of strings") : list;
    }

    public IReadOnlyDictionary<string, string> StringMap()
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Wrong("an object of string values");
        }
        var map = new Dictionary<string, string>();
        foreach (var p in Element.EnumerateObject())
        {
            map[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => throw new SpecException($"{Path}.{p.Name}", "expected a string, number or boolean"),
            };
        }
        return map;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Schema()
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Wrong($"an object of column name to type ({DataType.ValidNames})");
        }
        var columns = new List<KeyValuePair<string, string>>();
        foreach (var p in Element.EnumerateObject())
        {
            var path = $"{Path}.{p.Name}";
            if (p.Value.ValueKind != JsonValueKind.String || !DataType.TryParse(p.Value.GetString()!, out _))
            {
                throw new SpecException(path, $"unknown type {p.Value.GetRawText()}; expected one of {DataType.ValidNames}" +
                    (p.Value.ValueKind == JsonValueKind.String ? DataType.Instead(p.Value.GetString()!) : ""));
            }
            if (columns.Any(c => string.Equals(c.Key, p.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new SpecException(path, $"duplicate column '{p.Name}'");
            }
            columns.Add(new(p.Name, p.Value.GetString()!));
        }
        return columns;
    }

    private SpecException Wrong(string expected) =>
        new(Path, $"expected {expected}, found {Describe(Element)}");

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => e.GetRawText(),
    };
}
