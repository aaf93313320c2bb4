namespace Sluice.Data;

/// <summary>The kinds of Spark SQL types Sluice supports.</summary>
[Alias("sluice.DataTypeKind")]
public enum DataTypeKind
{
    /// <summary>The type of a NULL literal before it meets a typed operand.</summary>
    Null,
    String,
    Int,
    Long,
    Double,
    Boolean,
    Timestamp,
    Binary,
    Struct,
    Array,
}
