using Sluice.Data;

namespace Sluice.Expressions.Evaluation;

/// <summary>
/// How a compiled expression carries values: an expression of SQL type int evaluates through a
/// <c>Func&lt;object?[], int?&gt;</c>, bigint through <c>long?</c>, double <c>double?</c>, boolean <c>bool?</c>,
/// timestamp <c>DateTime?</c>, string <c>string?</c>, binary <c>byte[]?</c>, struct <see cref="StructValue"/>,
/// array <c>object?[]</c>, and the NULL type <c>object?</c>. A null result is SQL NULL. Operators call each other
/// through these typed delegates, so values are boxed only once, when a row's result is stored.
/// </summary>
internal static class Representation
{
    public static Delegate Dispatch<TBuilder>(DataType type, TBuilder builder)
        where TBuilder : IRepresentationBuilder => type.Kind switch
        {
            DataTypeKind.Int => builder.Build<int?>(),
            DataTypeKind.Long => builder.Build<long?>(),
            DataTypeKind.Double => builder.Build<double?>(),
            DataTypeKind.Boolean => builder.Build<bool?>(),
            DataTypeKind.Timestamp => builder.Build<DateTime?>(),
            DataTypeKind.String => builder.Build<string?>(),
            DataTypeKind.Binary => builder.Build<byte[]?>(),
            DataTypeKind.Struct => builder.Build<StructValue?>(),
            DataTypeKind.Array => builder.Build<object?[]?>(),
            _ => builder.Build<object?>(),
        };
}
