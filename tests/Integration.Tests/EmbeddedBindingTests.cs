using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Sluice.Cli.Scenarios;
using Sluice.Silo.Hosting;

namespace Sluice.IntegrationTests;

/// <summary>Embedded mode is for one machine: its Orleans silo and gateway ports listen on loopback only.</summary>
public sealed class EmbeddedBindingTests
{
    [Fact]
    public async Task EmbeddedSilo_ListensOnLoopbackOnly_EvenWhenClusterBindingSettingsSayOtherwise()
    {
        var (siloPort, gatewayPort) = (ScenarioSilo.FreePort(), ScenarioSilo.FreePort());
        string[] args =
        [
            "--quiet",
            $"--Silo:SiloPort={siloPort}",
            $"--Silo:GatewayPort={gatewayPort}",
            $"--Http:Port={ScenarioSilo.FreePort()}",
            // Cluster-mode settings: embedded mode must not take them as a reason to listen elsewhere.
            "--Silo:ListenOnAnyAddress=true",
            "--Silo:AdvertisedIp=0.0.0.0",
            "--Kafka:Embedded=false",
            "--Logging:LogLevel:Default=Warning",
        ];
        using var host = SluiceHost.CreateBuilder(args).Build();
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        await host.StartAsync();
        try
        {
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, siloPort), endpoints.SiloListeningEndpoint);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, gatewayPort), endpoints.GatewayListeningEndpoint);
            Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
            // What the kernel says is listening on the two ports: only 127.0.0.1 (no 0.0.0.0, no IPv6 wildcard).
            Assert.Equal([IPAddress.Loopback], ListeningAddresses(siloPort));
            Assert.Equal([IPAddress.Loopback], ListeningAddresses(gatewayPort));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>The local addresses of sockets in LISTEN state on <paramref name="port"/>, from /proc/net/tcp and tcp6.</summary>
    private static List<IPAddress> ListeningAddresses(int port)
    {
        const string Listen = "0A";
        var addresses = new List<IPAddress>();
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
        {
            foreach (var fields in File.ReadLines(file).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            {
                var local = fields[1].Split(':');
                if (fields[3] == Listen && int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    addresses.Add(ParseProcAddress(local[0]));
                }
            }
        }
        return addresses;
    }

    /// <summary>/proc/net prints addresses as hex of the in-memory bytes, in 32-bit little-endian words.</summary>
    private static IPAddress ParseProcAddress(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var i = 0; i < bytes.Length; i += 4)
        {
            Array.Reverse(bytes, i, 4);
        }
        var address = new IPAddress(bytes);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
