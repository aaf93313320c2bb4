using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sluice.Hosting;

namespace Sluice.Connectors.Socket;

/// <summary>
/// Spark's TextSocketSource on a grain: a background loop reads lines from the connection into a queue (no lock: the
/// grain drains the queue on its own turns); batches read the lines by offset; committed lines are dropped.
/// </summary>
[GrainType("sluice.source.socket")]
[KeepAlive]
internal sealed partial class SocketSourceGrain(SluiceClock time, ILogger<SocketSourceGrain> logger) : Grain, ISocketSourceGrain
{
    private readonly ConcurrentQueue<SocketLine> _incoming = new();
    private readonly List<SocketLine> _lines = [];
    private readonly CancellationTokenSource _stop = new();
    private long _firstOffset;
    private TcpClient? _client;
    private Task? _reading;
    private Exception? _failure;

    public async Task<long> LatestOffsetAsync(string host, int port)
    {
        if (_client is null)
        {
            _client = new TcpClient();
            await _client.ConnectAsync(host, port, _stop.Token);
            _reading = ReadLinesAsync(_client, _stop.Token);
            LogConnected(logger, host, port);
        }
        Drain();
        return _failure is { } failure
            ? throw new IOException($"the socket source's connection to {host}:{port} failed: {failure.Message}", failure)
            : _firstOffset + _lines.Count;
    }

    public Task<IReadOnlyList<SocketLine>> ReadAsync(long start, long end)
    {
        Drain();
        if (start < _firstOffset || end > _firstOffset + _lines.Count)
        {
            throw new InvalidOperationException(
                $"the socket source holds lines [{_firstOffset}, {_firstOffset + _lines.Count}); lines [{start}, {end}) are gone: " +
                "a socket source keeps lines only in memory until their batch commits, and cannot replay them (see docs/connectors.md).");
        }
        IReadOnlyList<SocketLine> slice = _lines.GetRange((int)(start - _firstOffset), (int)(end - start));
        return Task.FromResult(slice);
    }

    public Task CommitAsync(long end)
    {
        var drop = (int)Math.Clamp(end - _firstOffset, 0, _lines.Count);
        _lines.RemoveRange(0, drop);
        _firstOffset += drop;
        return Task.CompletedTask;
    }

    public async Task CloseAsync()
    {
        await _stop.CancelAsync();
        _client?.Dispose();
        DeactivateOnIdle();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stop.Cancel();
        _client?.Dispose();
        return Task.CompletedTask;
    }

    private void Drain()
    {
        while (_incoming.TryDequeue(out var line))
        {
            _lines.Add(line);
        }
    }

    // Runs off the grain's turns; it only touches the queue and the failure field.
    private async Task ReadLinesAsync(TcpClient client, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            using var reader = new StreamReader(client.GetStream());
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                _incoming.Enqueue(new SocketLine(line, time.GetUtcNow().ToUnixTimeMilliseconds()));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                _failure = e;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket source connected to {Host}:{Port}")]
    private static partial void LogConnected(ILogger logger, string host, int port);
}
