using Sluice.Data;
using TypeKind = Sluice.Data.DataTypeKind;

namespace Sluice.Expressions.Binding;

/// <summary>
/// Spark's implicit type rules with ANSI mode off (<c>TypeCoercion</c>): numbers widen int &lt; bigint &lt; double,
/// a string meeting a number in arithmetic is read as a double, a string compared with another type is cast to
/// that type, and branches of CASE/coalesce meet at the wider type (a string absorbs other simple types).
/// </summary>
internal static class TypeCoercion
{
    public static bool IsAtomic(DataType type) => type.Kind is TypeKind.Int or TypeKind.Long or TypeKind.Double or TypeKind.Boolean or TypeKind.String or TypeKind.Timestamp or TypeKind.Binary;

    public static DataType? WiderNumeric(DataType a, DataType b) =>
        a.IsNumeric && b.IsNumeric ? (Rank(a) >= Rank(b) ? a : b) : null;

    /// <summary>The type both operands of + - * % are cast to, or null when the operator does not apply.</summary>
    public static DataType? ArithmeticType(DataType a, DataType b)
    {
        var left = a.Kind is TypeKind.String or TypeKind.Null ? DataType.Double : a;
        var right = b.Kind is TypeKind.String or TypeKind.Null ? DataType.Double : b;
        if (a.Kind == TypeKind.Null && b.IsNumeric)
        {
            left = b;
        }
        if (b.Kind == TypeKind.Null && a.IsNumeric)
        {
            right = a;
        }
        return WiderNumeric(left, right);
    }

    /// <summary>The type both sides of a comparison are cast to, or null when they cannot be compared.</summary>
    public static DataType? ComparisonType(DataType a, DataType b)
    {
        if (SameNullOrNumeric(a, b) is { } common)
        {
            return common;
        }
        if (a.Kind == TypeKind.String && IsAtomic(b))
        {
            return b;
        }
        return b.Kind == TypeKind.String && IsAtomic(a) ? a : null;
    }

    /// <summary>The type of a CASE, coalesce or IF whose branches have types a and b, or null when they do not meet.</summary>
    public static DataType? CommonType(DataType a, DataType b) =>
        SameNullOrNumeric(a, b)
        ?? ((a.Kind == TypeKind.String && IsAtomic(b)) || (b.Kind == TypeKind.String && IsAtomic(a)) ? DataType.String : null);

    /// <summary>What comparisons and branches agree on: the same type, the other side of a NULL, or the wider number.</summary>
    private static DataType? SameNullOrNumeric(DataType a, DataType b) =>
        a.Equals(b) || b.Kind == TypeKind.Null ? a
        : a.Kind == TypeKind.Null ? b
        : WiderNumeric(a, b);

    /// <summary>Whether a function argument of type <paramref name="from"/> may be passed where <paramref name="to"/> is expected.</summary>
    public static bool CanImplicitlyCast(DataType from, DataType to) =>
        from.Equals(to) || from.Kind == TypeKind.Null || (from.Kind, to.Kind) switch
        {
            (TypeKind.Int or TypeKind.Long or TypeKind.Double, TypeKind.Int or TypeKind.Long or TypeKind.Double) => true,
            (TypeKind.String, TypeKind.Int or TypeKind.Long or TypeKind.Double or TypeKind.Timestamp or TypeKind.Binary) => true,
            (TypeKind.Int or TypeKind.Long or TypeKind.Double or TypeKind.Boolean or TypeKind.Timestamp or TypeKind.Binary, TypeKind.String) => true,
            _ => false,
        };

    private static int Rank(DataType type) => type.Kind switch
    {
        TypeKind.Int => 1,
        TypeKind.Long => 2,
        _ => 3,
    };
}
