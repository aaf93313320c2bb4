using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Security;

/// <summary>
/// Which remote certificates a TLS link accepts: one that chains to one of <see cref="Authorities"/> (a private CA;
/// a self-signed certificate can be its own), or one whose thumbprint is pinned. The operating system's trust store
/// never counts: any public CA would otherwise let anyone with a web server certificate in. Host names are not
/// checked either (silos and clients are reached by IP), so the CA must be one that issues only for this cluster.
/// </summary>
public sealed class CertificateTrust
{
    private readonly HashSet<string> _thumbprints;

    /// <param name="authorities">CA certificates a remote certificate may chain to.</param>
    /// <param name="thumbprints">Pinned certificates, by SHA-1 or SHA-256 hex thumbprint (colons and spaces ignored).</param>
    public CertificateTrust(IEnumerable<X509Certificate2> authorities, IEnumerable<string> thumbprints)
    {
        Authorities = [.. authorities];
        _thumbprints = thumbprints.Select(Normalize).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The CA certificates remote certificates may chain to.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>Whether nothing is trusted (then every remote certificate is refused).</summary>
    public bool IsEmpty => Authorities.Count == 0 && _thumbprints.Count == 0;

    /// <summary>Whether <paramref name="certificate"/> is within its validity period and pinned or issued by a trusted CA.</summary>
    /// <param name="certificate">The remote certificate.</param>
    /// <param name="presentedChain">The chain from the handshake, whose intermediates may be needed to reach a CA.</param>
    public bool Accepts(X509Certificate2 certificate, X509Chain? presentedChain = null)
    {
        if (IsPinned(certificate))
        {
            var now = DateTime.Now;
            return certificate.NotBefore <= now && now <= certificate.NotAfter;
        }
        if (Authorities.Count == 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        // A private CA publishes no revocation lists; a compromised certificate is removed by rotating the CA or pins.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(certificate);
    }

    /// <summary>
    /// Normalizes a thumbprint as printed by tools: <c>AB:CD:...</c>, <c>ab cd ...</c>, <c>abcd...</c>, or openssl's
    /// whole line <c>sha256 Fingerprint=AB:CD:...</c> (whose label holds hex letters too).
    /// </summary>
    public static string Normalize(string thumbprint) =>
        new([.. thumbprint[(thumbprint.LastIndexOf('=') + 1)..].Where(Uri.IsHexDigit).Select(char.ToUpperInvariant)]);

    private bool IsPinned(X509Certificate2 certificate) =>
        _thumbprints.Count > 0
        && (_thumbprints.Contains(certificate.Thumbprint.ToUpperInvariant())
            || _thumbprints.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256).ToUpperInvariant()));
}
