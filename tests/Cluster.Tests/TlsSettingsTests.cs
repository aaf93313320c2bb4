using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Sluice.Security;
using Sluice.Silo.Hosting;

namespace Sluice.ClusterTests;

/// <summary>The trust rule and the <c>Silo:Tls</c> settings, without a silo.</summary>
public sealed class TlsSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sluice-tls-").FullName;

    [Fact]
    public void Trust_AcceptsIssuedOrPinnedCertificates_RefusesOthersAndExpiredOnes()
    {
        using var ca = TestCertificates.CreateAuthority("ca");
        using var otherCa = TestCertificates.CreateAuthority("other ca");
        using var issued = TestCertificates.Create("issued", ca, server: false, client: true);
        using var foreign = TestCertificates.Create("foreign", otherCa, server: false, client: true);
        using var pinned = TestCertificates.Create("pinned", null, server: false, client: true);
        using var expired = TestCertificates.Create("expired", ca, server: false, client: true, notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        using var expiredPinned = TestCertificates.Create("expired pinned", null, server: false, client: true, notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var sha256 = string.Join(':', pinned.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).Chunk(2).Select(c => new string(c)));

        var trust = new CertificateTrust([ca], ["sha256 Fingerprint=" + sha256, expiredPinned.Thumbprint.ToLowerInvariant()]);

        Assert.True(trust.Accepts(issued));
        Assert.True(trust.Accepts(pinned));
        Assert.False(trust.Accepts(foreign));
        Assert.False(trust.Accepts(expired));
        Assert.False(trust.Accepts(expiredPinned));
        Assert.False(new CertificateTrust([], []).Accepts(issued));
    }

    [Fact]
    public void Load_RequiredClientCertificatesWithoutClientTrust_IsRefusedNamingTheSettings()
    {
        var settings = new TlsSettings { CertificatePath = Pfx(TestCertificates.Create("silo", null, server: true, client: true)), CertificatePassword = "pw" };

        var error = Assert.Throws<InvalidOperationException>(settings.Load);

        Assert.Contains("Silo:Tls:ClientCaPath", error.Message, StringComparison.Ordinal);
        Assert.Contains("Silo:Tls:RequireClientCertificate=false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SiloCertificateNotValidForClientAuthentication_IsRefused()
    {
        using var ca = TestCertificates.CreateAuthority("ca");
        var settings = new TlsSettings
        {
            CertificatePath = Pfx(TestCertificates.Create("silo", ca, server: true, client: false)),
            CertificatePassword = "pw",
            ClientCaPath = TestCertificates.WritePem(ca, Path.Combine(_folder, "ca.pem")),
        };

        var error = Assert.Throws<InvalidOperationException>(settings.Load);

        Assert.Contains("serverAuth, clientAuth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongPassword_NamesTheFileAndTheSetting()
    {
        var path = Pfx(TestCertificates.Create("silo", null, server: true, client: true));
        var settings = new TlsSettings { CertificatePath = path, CertificatePassword = "not it", RequireClientCertificate = false };

        var error = Assert.Throws<InvalidOperationException>(settings.Load);

        Assert.StartsWith($"Silo:Tls:CertificatePath '{path}' cannot be loaded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PemCertificateWithSeparateKey_TrustsItsOwnCertificateForSiloLinks()
    {
        using var certificate = TestCertificates.Create("silo", null, server: true, client: true);
        var (crt, key) = (Path.Combine(_folder, "tls.crt"), Path.Combine(_folder, "tls.key"));
        File.WriteAllText(crt, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var settings = new TlsSettings { CertificatePath = crt, KeyPath = key, AllowedClientThumbprints = ["aa,bb"] };

        var material = settings.Load();

        Assert.True(material.Certificate.HasPrivateKey);
        Assert.True(material.Silos.Accepts(certificate));
        Assert.False(material.Clients.Accepts(certificate));
    }

    [Fact]
    public void Read_ClientTrustWithoutACertificate_IsRefusedRatherThanLeavingTlsOff()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Silo:Tls:ClientCaPath", "/secrets/ca.pem")])
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() => SiloSettings.Read(configuration));

        Assert.Contains("Silo:Tls:CertificatePath is not", error.Message, StringComparison.Ordinal);
    }

    private string Pfx(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return TestCertificates.WritePfx(certificate, Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".pfx"), "pw");
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
