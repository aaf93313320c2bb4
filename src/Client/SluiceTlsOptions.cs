using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Sluice.Security;

namespace Sluice.Client;

/// <summary>
/// TLS to silos whose gateway has <c>Silo:Tls</c> on: which silo certificates to trust, and the client certificate to
/// present (silos require one unless <c>Silo:Tls:RequireClientCertificate=false</c>). The silo's certificate must chain
/// to one of <see cref="CertificateAuthorities"/> or be pinned in <see cref="ServerThumbprints"/>; the operating
/// system's trust store does not count (see <see cref="CertificateTrust"/>).
/// </summary>
public sealed class SluiceTlsOptions
{
    /// <summary>The client's certificate with its private key, for mutual TLS; null connects without one.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>CA certificates the silos' certificate must chain to (a self-signed silo certificate can be its own CA).</summary>
    public X509Certificate2Collection CertificateAuthorities { get; } = [];

    /// <summary>Silo certificates accepted by SHA-1 or SHA-256 thumbprint (hex; colons and spaces are ignored).</summary>
    public IList<string> ServerThumbprints { get; } = [];

    /// <summary>How long a TLS handshake may take before the connection attempt fails.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Loads options from files: a client certificate (<c>.pfx</c>, or PEM with <paramref name="clientKeyPath"/>), a CA file
    /// (PEM bundle or DER) and thumbprints; any of them may be null or empty.
    /// </summary>
    public static SluiceTlsOptions FromFiles(string? clientCertificatePath, string? password, string? clientKeyPath, string? caPath, IEnumerable<string> serverThumbprints)
    {
        var options = new SluiceTlsOptions();
        if (!string.IsNullOrEmpty(clientCertificatePath))
        {
            options.ClientCertificate = CertificateFiles.LoadWithKey(clientCertificatePath, password, clientKeyPath, "client certificate");
        }
        if (!string.IsNullOrEmpty(caPath))
        {
            options.CertificateAuthorities.AddRange(CertificateFiles.LoadAuthorities(caPath, "TLS CA file"));
        }
        foreach (var thumbprint in serverThumbprints.SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            options.ServerThumbprints.Add(thumbprint);
        }
        return options;
    }

    /// <summary>The Orleans TLS options these describe.</summary>
    internal Action<TlsOptions> Configure()
    {
        var trust = new CertificateTrust(CertificateAuthorities, ServerThumbprints);
        if (trust.IsEmpty)
        {
            throw new ArgumentException(
                "TLS needs to know which silo certificate to trust: give a CA file (--tls-ca, SLUICE_TLS_CA; the silo's own certificate " +
                "if it is self-signed) or the silo certificate's thumbprint (--tls-thumbprint, SLUICE_TLS_THUMBPRINT).");
        }
        var certificate = ClientCertificate;
        var timeout = HandshakeTimeout;
        return options =>
        {
            options.LocalCertificate = certificate;
            options.ClientCertificateMode = certificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateValidation = (remote, chain, _) => trust.Accepts(remote, chain);
            options.HandshakeTimeout = timeout;
        };
    }
}
