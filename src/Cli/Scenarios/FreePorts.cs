using System.Net;
using System.Net.Sockets;

namespace Sluice.Cli.Scenarios;

/// <summary>
/// Loopback ports for silos started by scenarios and tests. A port the OS hands out for port 0 comes from the ephemeral
/// range, where any process's next outgoing connection (a Kafka client, an HTTP call) may take it before the silo binds
/// it; CI saw exactly that. These ports come from below the ephemeral range (Linux starts it at 32768), are handed out
/// once per process, and are checked free on both loopback addresses, since Kestrel's "localhost" binds both.
/// </summary>
internal static class FreePorts
{
    private const int First = 20000;
    private const int Count = 12000;
    private static int _next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            if (IsFree(IPAddress.Loopback, port) && (!Socket.OSSupportsIPv6 || IsFree(IPAddress.IPv6Loopback, port)))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port between {First} and {First + Count}");
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable && address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return true; // no IPv6 loopback here: Kestrel binds IPv4 only
        }
    }
}
