namespace Sluice.Sources.Parsing;

/// <summary>Spark's modes for records that do not parse.</summary>
internal enum ParseMode
{
    /// <summary>Keep the record: fields that did not parse are null, and the raw text goes to <c>_corrupt_record</c> when the schema has it.</summary>
    Permissive,
    /// <summary>Drop the record (and count it).</summary>
    DropMalformed,
    /// <summary>Fail the query with the record's position and text.</summary>
    FailFast,
}
