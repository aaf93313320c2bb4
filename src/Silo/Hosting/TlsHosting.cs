using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Puts TLS on the silo's three kinds of connection (<see cref="TlsSettings"/>): silo links in and out are mutual and
/// trust only silo certificates; the gateway trusts client certificates, and requires one unless
/// <c>Silo:Tls:RequireClientCertificate=false</c>. Orleans' own <c>UseTls</c> applies one trust rule to all three,
/// which would let any client certificate in on the silo port.
/// </summary>
internal static class TlsHosting
{
    public static ISiloBuilder UseSluiceTls(this ISiloBuilder builder, TlsSettings settings)
    {
        var material = settings.Load();
        var siloLinks = new TlsOptions
        {
            LocalCertificate = material.Certificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (certificate, chain, _) => material.Silos.Accepts(certificate, chain),
            HandshakeTimeout = settings.HandshakeTimeout,
        };
        var gateway = new TlsOptions
        {
            LocalCertificate = material.Certificate,
            RemoteCertificateMode = settings.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate
                : material.Clients.IsEmpty ? RemoteCertificateMode.NoCertificate
                : RemoteCertificateMode.AllowCertificate,
            RemoteCertificateValidation = (certificate, chain, _) => material.Clients.Accepts(certificate, chain),
            HandshakeTimeout = settings.HandshakeTimeout,
        };
        return builder.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(c => c.UseServerTls(siloLinks));
            connections.ConfigureSiloOutboundConnection(c => c.UseClientTls(siloLinks));
            connections.ConfigureGatewayInboundConnection(c => c.UseServerTls(gateway));
        });
    }
}
