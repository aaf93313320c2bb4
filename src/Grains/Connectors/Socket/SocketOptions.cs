namespace Sluice.Connectors.Socket;

/// <summary>What <c>socket</c> sources may connect to (configuration section <c>Sluice:Socket</c>).</summary>
public sealed class SocketOptions
{
    /// <summary>
    /// Host names or addresses a socket source may connect to, exactly as a spec gives them (a list; an entry may hold
    /// several, separated by commas). None by default: a spec could otherwise make the silo connect anywhere it can reach.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}
