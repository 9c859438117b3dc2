using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Core.Forms;

namespace CallbackPipeline.Core.Vonage;

/// <summary>
/// Vonage's <c>sig</c> parameter (docs/providers.md): every other parameter, sorted by name, as
/// <c>&amp;name=value</c> with <c>&amp;</c> and <c>=</c> in values replaced by <c>_</c>; then MD5 of that string and
/// the secret (<c>md5hash</c>, the default) or an HMAC keyed with the secret. Hex, compared case-insensitively.
/// </summary>
public static class VonageSignature
{
    public static readonly string[] Methods = ["md5hash", "md5", "sha1", "sha256", "sha512"];

    public static bool IsValid(string secret, string? method, FormFields parameters)
    {
        var sig = parameters["sig"];
        return sig is not null && Signatures.HexEquals(sig, Compute(secret, method ?? "md5hash", parameters));
    }

    public static byte[] Compute(string secret, string method, FormFields parameters)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in parameters.Without("sig").Pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('&').Append(key).Append('=').Append(value.Replace('&', '_').Replace('=', '_'));
        }
        var data = Encoding.UTF8.GetBytes(text.ToString());
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        return method switch
        {
            "md5hash" => MD5.HashData(Encoding.UTF8.GetBytes(text.Append(secret).ToString())),
            "md5" => HMACMD5.HashData(secretBytes, data),
            "sha1" => HMACSHA1.HashData(secretBytes, data),
            "sha256" => HMACSHA256.HashData(secretBytes, data),
            "sha512" => HMACSHA512.HashData(secretBytes, data),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a Vonage signature method"),
        };
    }
}
