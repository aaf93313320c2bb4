using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Data;

namespace Sluice.Processing;

/// <summary>
/// How a C# type maps to a row: one column per public property, named by <see cref="JsonPropertyNameAttribute"/> or the
/// property's name, typed by <see cref="SparkType"/>. The typed client API and typed processors share it, so a column a
/// query writes is the column a typed reader finds.
/// </summary>
public static class TypedRows
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The column a property (or field) stands for.</summary>
    public static string ColumnName(MemberInfo member) => member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? member.Name;

    /// <summary>The row properties of <paramref name="type"/>, in declaration order.</summary>
    public static IReadOnlyList<PropertyInfo> Properties(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance);

    /// <summary>The schema of <paramref name="type"/>: column name and Spark type per property.</summary>
    public static IReadOnlyList<(string Name, string Type)> Columns(Type type) =>
        Properties(type).Select(p => (ColumnName(p), SparkType(p.PropertyType, p.Name))).ToList();

    /// <summary>The Spark column type of a CLR type; other types have none and throw, naming <paramref name="member"/>.</summary>
    public static string SparkType(Type type, string member)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t switch
        {
            _ when t == typeof(string) => "string",
            _ when t == typeof(int) || t == typeof(short) || t == typeof(byte) => "int",
            _ when t == typeof(long) => "bigint",
            _ when t == typeof(double) || t == typeof(float) || t == typeof(decimal) => "double",
            _ when t == typeof(bool) => "boolean",
            _ when t == typeof(DateTime) || t == typeof(DateTimeOffset) => "timestamp",
            _ when t == typeof(byte[]) => "binary",
            _ => throw new ArgumentException($"property '{member}' has type {t.Name}, which has no Spark column type; use string, int, long, double, bool, DateTime, DateTimeOffset or byte[]"),
        };
    }

    /// <summary>An input row as <typeparamref name="T"/>, matched by column name (case-insensitive).</summary>
    public static T Read<T>(InputRow row) => RowJson.ToJson(row.Schema, row.Values).Deserialize<T>(Json)!;

    /// <summary>
    /// A grouping key as <typeparamref name="TKey"/>: the value itself for one key of a simple type, else the constructor
    /// whose parameters take the key values in order (anonymous types and positional records).
    /// </summary>
    public static TKey Key<TKey>(object?[] key)
    {
        var type = typeof(TKey);
        if (key.Length == 1 && IsSimple(type))
        {
            return (TKey)ConvertTo(key[0], type)!;
        }
        var ctor = type.GetConstructors().FirstOrDefault(c => c.GetParameters().Length == key.Length)
            ?? throw new InvalidOperationException($"{type.Name} has no constructor taking the {key.Length} key values in order");
        var parameters = ctor.GetParameters();
        return (TKey)ctor.Invoke(key.Select((v, i) => ConvertTo(v, parameters[i].ParameterType)).ToArray());
    }

    /// <summary>An output row laid out by <see cref="Columns"/>: the property values in engine types.</summary>
    public static object?[] Write<T>(T row) =>
        Properties(typeof(T)).Select(p => ToEngine(p.GetValue(row))).ToArray();

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset);
    }

    private static object? ConvertTo(object? value, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            null => null,
            _ when t.IsInstanceOfType(value) => value,
            DateTime d when t == typeof(DateTimeOffset) => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            _ when t == typeof(string) => Convert.ToString(value, CultureInfo.InvariantCulture),
            _ => Convert.ChangeType(value, t, CultureInfo.InvariantCulture),
        };
    }

    private static object? ToEngine(object? value) => value switch
    {
        float f => (double)f,
        decimal m => (double)m,
        short s => (int)s,
        byte b => (int)b,
        DateTimeOffset o => o.UtcDateTime,
        _ => value,
    };
}
