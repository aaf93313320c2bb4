using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Sluice.Cli;
using Sluice.Client;
using Xunit.Abstractions;

namespace Sluice.ClusterTests;

/// <summary>
/// The fixture's cluster runs TLS on silo links and gateways with client certificates required (the other cluster
/// tests connect with the trusted client certificate and run queries across the silos over it). Here: who gets in.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TlsTests(RedisClusterFixture cluster, ITestOutputHelper output)
{
    // A refused client must fail, not hang: well within this, or the test fails on the timeout instead.
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ClientWithoutACertificate_IsRefusedWithAnErrorThatPointsAtTls()
    {
        var tls = SluiceTlsOptions.FromFiles(null, null, null, cluster.CaPath, []);

        var error = await RefusedAsync(tls);

        Assert.Contains("client without a certificate it trusts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientWithACertificateFromAnotherCa_IsRefused()
    {
        using var otherCa = TestCertificates.CreateAuthority("someone else's CA");
        using var intruder = TestCertificates.Create("sluice client", otherCa, server: false, client: true);
        var tls = SluiceTlsOptions.FromFiles(null, null, null, cluster.CaPath, []);
        tls.ClientCertificate = intruder;

        await RefusedAsync(tls);
    }

    [Fact]
    public async Task PlaintextClient_IsRefusedWithAHintToUseTls()
    {
        var error = await RefusedAsync(tls: null);

        Assert.Contains("accept only TLS clients (--tls", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientThatDoesNotTrustTheSiloCertificate_RefusesTheSilo()
    {
        using var otherCa = TestCertificates.CreateAuthority("someone else's CA");
        var tls = SluiceTlsOptions.FromFiles(cluster.ClientCertificatePath, ClusterFixture.CertificatePassword, null, null, []);
        tls.CertificateAuthorities.Add(otherCa);

        await RefusedAsync(tls);
    }

    [Fact]
    public async Task Cli_WithTheClientCertificateListsQueries_WithoutOneFailsWithOneLine()
    {
        var silo = cluster.Running.First();

        var trusted = await RunCliAsync("list", "--silo", ClusterFixture.Gateway(silo), "--client-cert", cluster.ClientCertificatePath,
            "--client-cert-password", ClusterFixture.CertificatePassword, "--tls-ca", cluster.CaPath);
        var plain = await RunCliAsync("list", "--silo", ClusterFixture.Gateway(silo));

        Assert.True(trusted.Code == 0, trusted.Err);
        Assert.Contains("active", trusted.Out, StringComparison.Ordinal);
        Assert.Equal(1, plain.Code);
        Assert.StartsWith("error: Could not connect", plain.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_TlsWithoutTrustForTheSilo_SaysWhatToPass()
    {
        var silo = cluster.Running.First();

        var result = await RunCliAsync("list", "--silo", ClusterFixture.Gateway(silo), "--tls");

        Assert.Equal(1, result.Code);
        Assert.Contains("--tls-ca", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloPort_SpeaksTlsAndAcceptsOnlyTheSiloCertificate()
    {
        var silo = cluster.Running.First();
        using var siloCertificate = X509CertificateLoader.LoadPkcs12FromFile(cluster.SiloCertificatePath, ClusterFixture.CertificatePassword);
        using var clientCertificate = X509CertificateLoader.LoadPkcs12FromFile(cluster.ClientCertificatePath, ClusterFixture.CertificatePassword);

        // A client certificate gets a client through the gateway, but it must not let its holder join as a silo.
        Assert.True(await HandshakeAsync(silo.GatewayPort, clientCertificate));
        Assert.True(await HandshakeAsync(silo.SiloPort, siloCertificate));
        Assert.False(await HandshakeAsync(silo.SiloPort, clientCertificate));
        Assert.False(await HandshakeAsync(silo.SiloPort, null));
    }

    private async Task<InvalidOperationException> RefusedAsync(SluiceTlsOptions? tls)
    {
        var gateway = ClusterFixture.Gateway(cluster.Running.First());
        using var timeout = new CancellationTokenSource(RefusalTimeout);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var client = await SluiceClient.ConnectAsync(gateway, cluster.ClusterId, tls, timeout.Token);
            await client.ListActiveAsync();
        });
        output.WriteLine(error.Message);
        return error;
    }

    /// <summary>
    /// A TLS handshake with the silo's certificate trusted, then one read: a server that refuses the client certificate
    /// closes the connection (with TLS 1.3 only after the client thinks the handshake is done), an accepting one waits.
    /// </summary>
    private async Task<bool> HandshakeAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
            certificate?.Issuer == cluster.Authority.Subject);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            });
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var read = await ssl.ReadAsync(new byte[1], wait.Token);
            return read > 0;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    /// <summary>Runs `sluice` in this process (tests of one collection run one at a time, so the console is ours).</summary>
    private async Task<(int Code, string Out, string Err)> RunCliAsync(params string[] args)
    {
        Environment.SetEnvironmentVariable("SLUICE_CLUSTER_ID", cluster.ClusterId);
        var (output, error) = (new StringWriter(), new StringWriter());
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            using var timeout = new CancellationTokenSource(RefusalTimeout);
            var code = await SluiceCli.Build().Parse(args).InvokeAsync(cancellationToken: timeout.Token).WaitAsync(RefusalTimeout);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
