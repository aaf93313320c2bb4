using System.Collections.Concurrent;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace Sluice.Client;

/// <summary>
/// The client's log while it connects, kept instead of printed (the client writes no logs of its own). A gateway that
/// refuses a TLS client closes the connection, and Orleans keeps retrying until its response timeout; what it logs on
/// the way says why, so <see cref="SluiceClient.ConnectAsync(string, string, SluiceTlsOptions?, CancellationToken)"/>
/// fails as soon as a TLS failure shows up here, and quotes the last warnings when it gives up.
/// </summary>
internal sealed class ConnectionLog : ILoggerProvider
{
    private const int Kept = 5;
    private const int DroppedLimit = 2;

    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly TaskCompletionSource<string> _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _dropped;

    /// <summary>Completes with the reason when a TLS handshake with a gateway failed, or the gateway keeps dropping the client.</summary>
    public Task<string> Refused => _refused.Task;

    /// <summary>The last few warnings and errors, oldest first.</summary>
    public string LastWarnings => string.Join(" | ", _warnings.Distinct());

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Record(string category, string message, Exception? exception)
    {
        var reason = exception is null ? message : $"{message}: {Innermost(exception).Message}";
        if (category.Contains(".Security.", StringComparison.Ordinal))
        {
            reason = "the TLS handshake failed: " + reason;
        }
        _warnings.Enqueue(reason);
        while (_warnings.Count > Kept && _warnings.TryDequeue(out _))
        {
        }
        if (category.Contains(".Security.", StringComparison.Ordinal) || Chain(exception).Any(e => e is AuthenticationException))
        {
            _refused.TrySetResult(reason);
        }
        // Orleans' words for a gateway that accepted the TCP connection and closed it before answering the preamble: what
        // a TLS gateway does to a plaintext client, or (TLS 1.3) to a client whose certificate it refused after the handshake.
        // A silo that is down refuses the TCP connection instead (a SocketException, or Orleans' SocketConnectionException
        // "Unable to connect to HOST:PORT. Error: ConnectionRefused"), which is not counted: with several gateways another
        // may still answer, and with none the connect times out naming what it saw.
        if (message.StartsWith("Connection attempt to endpoint", StringComparison.Ordinal)
            && exception is not null && !Chain(exception).Any(IsUnreachable)
            && Interlocked.Increment(ref _dropped) >= DroppedLimit)
        {
            _refused.TrySetResult(
                $"the gateway closed the connection before the Orleans handshake, {DroppedLimit} times: it refuses this client ({reason})");
        }
    }

    private static Exception Innermost(Exception exception) => Chain(exception).Last();

    private static bool IsUnreachable(Exception e) =>
        e is System.Net.Sockets.SocketException || e.GetType().Name is "ConnectionFailedException" or "SocketConnectionException";

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private sealed class Logger(ConnectionLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Record(category, formatter(state, exception), exception);
            }
        }
    }
}
