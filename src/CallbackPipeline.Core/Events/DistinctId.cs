using System.Security.Cryptography;
using System.Text;

namespace CallbackPipeline.Core.Events;

/// <summary>
/// Builds the identity of a click or reply when the provider sends no id of its own
/// (message + timestamp + URL or text). 128 bits of SHA-256 keep the stored record small while the
/// chance of a collision stays far below the 1 in 10^9 bound of docs/architecture.md.
/// </summary>
public static class DistinctId
{
    public static string Of(long eventTime, string? detail)
    {
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{eventTime}|{detail}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
