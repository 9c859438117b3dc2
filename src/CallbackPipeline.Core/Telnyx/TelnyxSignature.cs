using System.Globalization;
using System.Text;
using NSec.Cryptography;

namespace CallbackPipeline.Core.Telnyx;

/// <summary>
/// Telnyx webhooks (docs/providers.md): an Ed25519 signature (<c>telnyx-signature-ed25519</c>, base64) over
/// <c>{telnyx-timestamp}|{raw body}</c>, verified with the account's public key; the timestamp within ±5 minutes.
/// </summary>
public static class TelnyxSignature
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public enum Result
    {
        Valid,
        Missing,
        BadTimestamp,
        Mismatch,
    }

    public static Result Verify(string publicKeyBase64, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return Result.Missing;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds)
        {
            return Result.BadTimestamp;
        }

        Span<byte> signatureBytes = stackalloc byte[64];
        if (!Convert.TryFromBase64String(signature, signatureBytes, out var length) || length != 64) return Result.Mismatch;
        var algorithm = SignatureAlgorithm.Ed25519;
        if (!PublicKey.TryImport(algorithm, Convert.FromBase64String(publicKeyBase64), KeyBlobFormat.RawPublicKey, out var key) || key is null)
        {
            return Result.Mismatch;
        }
        var prefix = Encoding.ASCII.GetBytes(timestamp + "|");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return algorithm.Verify(key, data, signatureBytes) ? Result.Valid : Result.Mismatch;
    }
}
