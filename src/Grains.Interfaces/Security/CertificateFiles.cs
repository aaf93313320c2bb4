using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Security;

/// <summary>
/// Loads TLS certificates from files (mounted secrets), never from the repository: a PKCS#12 bundle (<c>.pfx</c>,
/// <c>.p12</c>) with an optional password, or a PEM certificate with its PEM private key (a Kubernetes TLS secret's
/// <c>tls.crt</c> and <c>tls.key</c>). Failures name the file and the setting that pointed at it.
/// </summary>
public static class CertificateFiles
{
    /// <summary>
    /// Loads a certificate with its private key. <paramref name="keyPath"/> is the PEM key for a PEM certificate
    /// (default: the key inside <paramref name="path"/>); <paramref name="setting"/> names the setting in errors.
    /// </summary>
    public static X509Certificate2 LoadWithKey(string path, string? password, string? keyPath, string setting)
    {
        var certificate = Load(path, setting, () => IsPem(path)
            ? LoadPem(path, password, keyPath)
            : X509CertificateLoader.LoadPkcs12FromFile(path, password));
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException(
                $"{setting} '{path}' holds no private key: use a .pfx with its key, or a PEM certificate with its PEM key file.");
        }
        return certificate;
    }

    /// <summary>Loads one or more certificates without keys (CA certificates, PEM bundle or a DER file).</summary>
    public static X509Certificate2Collection LoadAuthorities(string path, string setting) => Load(path, setting, () =>
    {
        var authorities = new X509Certificate2Collection();
        if (IsPem(path))
        {
            authorities.ImportFromPemFile(path);
        }
        else
        {
            authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }
        return authorities.Count > 0 ? authorities : throw new CryptographicException("the file holds no certificate");
    });

    private static X509Certificate2 LoadPem(string path, string? password, string? keyPath)
    {
        using var pem = string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        // A PEM key is ephemeral; SslStream needs it in a key store on some platforms, which a PKCS#12 round trip gives.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static T Load<T>(string path, string setting, Func<T> load)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{setting} '{path}' does not exist (mount the certificate's secret there).");
        }
        try
        {
            return load();
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{setting} '{path}' cannot be loaded: {e.Message} (wrong password, or not a PFX/PEM certificate?)", e);
        }
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var start = new char[512];
        var read = reader.ReadBlock(start);
        return new string(start, 0, read).Contains("-----BEGIN", StringComparison.Ordinal);
    }
}
