namespace Sluice.Contracts;

/// <summary>
/// An error raised in a silo whose exception could not cross to the caller as it was: its type, or an inner
/// exception's, has no Orleans codec on the client (a Kafka or Azure client error, an engine-internal type). The grain
/// boundary sends its message and the name of its type instead of the object graph; <see cref="Exception.InnerException"/>
/// carries the cause the same way, and <see cref="Exception.StackTrace"/> includes the silo's.
/// </summary>
[GenerateSerializer]
[Alias("sluice.SluiceException")]
public sealed class SluiceException : Exception
{
    /// <summary>The full name of the exception type the silo raised, e.g. <c>Confluent.Kafka.Admin.ListOffsetsException</c>.</summary>
    [Id(0)] public string OriginalType { get; }

    public SluiceException(string originalType, string message, Exception? innerException = null)
        : base(message, innerException) => OriginalType = originalType;
}
