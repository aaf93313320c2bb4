using System.Security.Cryptography.X509Certificates;
using Sluice.Security;

namespace Sluice.Silo.Hosting;

/// <summary>
/// TLS for the Orleans gateway and silo-to-silo links (configuration section <c>Silo:Tls</c>; off unless
/// <see cref="CertificatePath"/> is set). Certificates come from files, e.g. mounted secrets, never from the repository.
/// Silo links are always mutual: a silo accepts another silo whose certificate is its own (one cluster certificate
/// shared by all silos), is pinned in <see cref="AllowedSiloThumbprints"/>, or was issued by <see cref="SiloCaPath"/>.
/// Clients are trusted separately, so a client certificate never lets its holder join as a silo.
/// </summary>
public sealed class TlsSettings
{
    /// <summary>The silo's certificate with its private key: a <c>.pfx</c>/<c>.p12</c> file, or a PEM certificate (with <see cref="KeyPath"/>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/> (or of an encrypted PEM key); better from a secret's environment variable.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/>, when the key is in a file of its own (<c>tls.key</c>).</summary>
    public string? KeyPath { get; set; }

    /// <summary>Whether clients must present a trusted certificate (mutual TLS) to use the gateway. Default: yes.</summary>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>CA certificate(s), PEM or DER, that issue client certificates; a self-signed client certificate can be its own CA.</summary>
    public string? ClientCaPath { get; set; }

    /// <summary>Client certificates accepted by SHA-1 or SHA-256 thumbprint (entries may also be comma-separated).</summary>
    public List<string> AllowedClientThumbprints { get; set; } = [];

    /// <summary>CA certificate(s) that issue the silos' certificates, when silos do not all share one certificate.</summary>
    public string? SiloCaPath { get; set; }

    /// <summary>Other silos' certificates accepted by thumbprint (e.g. the next certificate during a rotation).</summary>
    public List<string> AllowedSiloThumbprints { get; set; } = [];

    /// <summary>How long a TLS handshake may take before the connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether TLS is on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>Loads the certificates and trust lists, failing with a message that names the setting to fix.</summary>
    public TlsMaterial Load()
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("Silo:Tls:CertificatePath is not set.");
        }
        var certificate = CertificateFiles.LoadWithKey(CertificatePath!, CertificatePassword, KeyPath, "Silo:Tls:CertificatePath");
        foreach (var (oid, use) in new[] { (ServerAuth, "server"), (ClientAuth, "client") })
        {
            if (!AllowsUsage(certificate, oid))
            {
                throw new InvalidOperationException(
                    $"Silo:Tls:CertificatePath '{CertificatePath}' is not valid for TLS {use} authentication (its extended key usage lacks {oid}); " +
                    "a silo's certificate serves both ends of silo links: issue it with extendedKeyUsage = serverAuth, clientAuth.");
            }
        }
        var siloAuthorities = SiloCaPath is { Length: > 0 } siloCa ? CertificateFiles.LoadAuthorities(siloCa, "Silo:Tls:SiloCaPath") : [];
        var clientAuthorities = ClientCaPath is { Length: > 0 } clientCa ? CertificateFiles.LoadAuthorities(clientCa, "Silo:Tls:ClientCaPath") : [];
        var silos = new CertificateTrust(siloAuthorities, [certificate.Thumbprint, .. Split(AllowedSiloThumbprints)]);
        var clients = new CertificateTrust(clientAuthorities, Split(AllowedClientThumbprints));
        if (RequireClientCertificate && clients.IsEmpty)
        {
            throw new InvalidOperationException(
                "Silo:Tls:RequireClientCertificate is on (the default) but no client certificate is trusted: set Silo:Tls:ClientCaPath " +
                "(the CA, or a self-signed client certificate) or Silo:Tls:AllowedClientThumbprints, or set Silo:Tls:RequireClientCertificate=false.");
        }
        return new TlsMaterial(certificate, silos, clients);
    }

    /// <summary>Fails when a TLS setting is given without <see cref="CertificatePath"/>, which would leave TLS silently off.</summary>
    public void CheckNotHalfConfigured()
    {
        var given = new (string Name, bool Set)[]
        {
            ("CertificatePassword", !string.IsNullOrEmpty(CertificatePassword)),
            ("KeyPath", !string.IsNullOrEmpty(KeyPath)),
            ("ClientCaPath", !string.IsNullOrEmpty(ClientCaPath)),
            ("AllowedClientThumbprints", AllowedClientThumbprints.Count > 0),
            ("SiloCaPath", !string.IsNullOrEmpty(SiloCaPath)),
            ("AllowedSiloThumbprints", AllowedSiloThumbprints.Count > 0),
        };
        if (!Enabled && given.FirstOrDefault(g => g.Set) is { Set: true } setting)
        {
            throw new InvalidOperationException(
                $"Silo:Tls:{setting.Name} is set but Silo:Tls:CertificatePath is not, so TLS would be off: set the silo's certificate too.");
        }
    }

    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>A certificate without an extended key usage extension may be used for anything.</summary>
    private static bool AllowsUsage(X509Certificate2 certificate, string oid) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } usage
        || usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(u => u.Value == oid);

    private static IEnumerable<string> Split(IEnumerable<string> entries) =>
        entries.SelectMany(e => e.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>The loaded TLS certificate and the trust for each kind of peer.</summary>
public sealed record TlsMaterial(X509Certificate2 Certificate, CertificateTrust Silos, CertificateTrust Clients);
