using System.Net;
using System.Net.Sockets;
using System.Text;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>Spark's socket source: text lines from a TCP server as column <c>value</c>.</summary>
[Collection(SiloCollection.Name)]
public sealed class SocketSourceTests(SiloFixture silo)
{
    [Fact]
    public async Task Lines_FromTheServer_ReachTheSinkAsValues()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var name = "sock" + Guid.NewGuid().ToString("N")[..10];
        var spec = SpecReader.Read($$$"""
            {"name": "{{{name}}}", "source": {"kind": "socket", "host": "127.0.0.1", "port": {{{port}}}, "includeTimestamp": true},
             "operators": [{"op": "select", "columns": ["upper(value) AS v", "timestamp IS NOT NULL AS stamped"]}],
             "sink": {"kind": "memory"}}
            """);
        var query = await silo.Client.StartAsync(spec);
        using var server = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await server.GetStream().WriteAsync(Encoding.UTF8.GetBytes("hello\nsocket\n"));

        var rows = new List<object?[]>();
        for (var i = 0; i < 300 && rows.Count < 2; i++)
        {
            await query.ProcessAllAvailableAsync();
            rows = [.. (await silo.Client.ReadMemorySinkAsync(name)).Rows];
            await Task.Delay(100);
        }
        await query.StopAsync();

        Assert.Equal(["HELLO", "SOCKET"], rows.Select(r => (string)r[0]!));
        Assert.All(rows, r => Assert.Equal(true, r[1]));
    }

    [Fact]
    public async Task Host_NotAllowed_IsRefusedAtStart()
    {
        var spec = SpecReader.Read("""
            {"name": "sockrefused", "source": {"kind": "socket", "host": "example.com", "port": 9999}, "sink": {"kind": "memory"}}
            """);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => silo.Client.StartAsync(spec));

        Assert.Contains("Sluice:Socket:AllowedHosts", e.Message, StringComparison.Ordinal);
    }
}
