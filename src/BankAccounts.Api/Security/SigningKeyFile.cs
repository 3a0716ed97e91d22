using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace BankAccounts.Api.Security;

/// <summary>
/// The embedded issuer's ES256 key: a PEM file readable only by its owner, created on first use.
/// Several nodes starting at once on a shared file agree on one key: the file appears complete or not at all.
/// </summary>
public static class SigningKeyFile
{
    public static ECDsaSecurityKey LoadOrCreate(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            Create(fullPath);
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(fullPath));
        if (ecdsa.KeySize != 256)
        {
            throw new InvalidOperationException($"{fullPath} must hold an ECDSA P-256 private key, not a {ecdsa.KeySize}-bit one.");
        }
        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(temporary, options))
        {
            writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
        }
        try
        {
            // Without overwrite this links the complete file into place: a node that lost the race keeps the winner's key.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }
}
