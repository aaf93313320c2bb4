namespace Sluice.Cli;

/// <summary>A command asked for something it cannot do as given (missing confirmation, a folder that is not a checkpoint): exit 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
