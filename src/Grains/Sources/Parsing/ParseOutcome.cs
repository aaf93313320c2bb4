namespace Sluice.Sources.Parsing;

/// <summary>What became of one parsed record.</summary>
internal enum ParseOutcome
{
    /// <summary>Every field parsed; the row is complete.</summary>
    Ok,
    /// <summary>Malformed but kept (PERMISSIVE): fields that failed are null, <c>_corrupt_record</c> holds the text.</summary>
    Malformed,
    /// <summary>Malformed and dropped (DROPMALFORMED): the row must not be emitted.</summary>
    Dropped,
}
