using System.CommandLine;
using Sluice.Client;

namespace Sluice.Cli.Commands;

/// <summary>
/// How a command reaches the silos: <c>--silo</c> and, for silos with <c>Silo:Tls</c> on, the TLS options. Each option
/// also reads an environment variable, so a shell profile (or a secret mounted into a job) sets them once.
/// </summary>
internal sealed class ConnectionOptions
{
    public Option<string> Silo { get; } = CliOptions.Silo();

    public Option<bool> Tls { get; } = new("--tls")
    {
        Description = "Connect over TLS (implied by the other --tls and --client-cert options) [env: SLUICE_TLS=true]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLUICE_TLS") is "1" or "true" or "True",
    };

    public Option<string?> ClientCert { get; } = Env("--client-cert", "SLUICE_CLIENT_CERT",
        "The client certificate for mutual TLS: a .pfx/.p12 file, or a PEM certificate (with --client-key)");

    public Option<string?> ClientCertPassword { get; } = Env("--client-cert-password", "SLUICE_CLIENT_CERT_PASSWORD",
        "The password of --client-cert (prefer the environment variable: command lines are visible to other users)");

    public Option<string?> ClientKey { get; } = Env("--client-key", "SLUICE_CLIENT_KEY", "The PEM private key of a PEM --client-cert");

    public Option<string?> Ca { get; } = Env("--tls-ca", "SLUICE_TLS_CA",
        "CA certificate(s), PEM or DER, the silos' certificate must chain to (a self-signed silo certificate itself)");

    public Option<string?> Thumbprint { get; } = Env("--tls-thumbprint", "SLUICE_TLS_THUMBPRINT",
        "The silo certificate's SHA-1 or SHA-256 thumbprint to trust (several comma-separated)");

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Silo, Tls, ClientCert, ClientCertPassword, ClientKey, Ca, Thumbprint })
        {
            command.Add(option);
        }
    }

    /// <summary>The connection a parsed command line asks for; files are read when connecting.</summary>
    public CliConnection Read(ParseResult parse)
    {
        var tls = parse.GetValue(Tls) || new[] { ClientCert, Ca, Thumbprint }.Any(o => !string.IsNullOrEmpty(parse.GetValue(o)));
        return new CliConnection(parse.GetValue(Silo)!, CliOptions.ClusterId(), tls
            ? () => SluiceTlsOptions.FromFiles(parse.GetValue(ClientCert), parse.GetValue(ClientCertPassword), parse.GetValue(ClientKey),
                parse.GetValue(Ca), parse.GetValue(Thumbprint) is { Length: > 0 } t ? [t] : [])
            : null);
    }

    private static Option<string?> Env(string name, string variable, string description) => new(name)
    {
        Description = $"{description} [env: {variable}]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null,
    };
}

/// <summary>A gateway, cluster id and TLS settings, read from the command line and environment.</summary>
internal sealed record CliConnection(string Silo, string ClusterId, Func<SluiceTlsOptions>? Tls)
{
    /// <summary>Connects; bad certificate files and refused handshakes surface as <see cref="InvalidOperationException"/>.</summary>
    public async Task<SluiceClient> ConnectAsync()
    {
        try
        {
            return await SluiceClient.ConnectAsync(Silo, ClusterId, Tls?.Invoke());
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }
}
