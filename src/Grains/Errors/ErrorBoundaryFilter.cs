using Microsoft.Extensions.Logging;

namespace Sluice.Errors;

/// <summary>
/// The silo's error boundary: every grain call that fails leaves with an exception its caller can read. Exceptions
/// whose graph would not serialize leave as <see cref="Contracts.SluiceException"/> (message and type name), and the
/// original is logged here, since it does not reach the caller.
/// </summary>
internal sealed partial class ErrorBoundaryFilter(ILogger<ErrorBoundaryFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (!SendableExceptions.IsSendable(e))
        {
            LogConverted(logger, e, context.InterfaceName, context.MethodName);
            throw SendableExceptions.For(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interface}.{Method} failed with an exception that cannot cross to its caller; the caller gets its messages")]
    private static partial void LogConverted(ILogger logger, Exception exception, string @interface, string method);
}
