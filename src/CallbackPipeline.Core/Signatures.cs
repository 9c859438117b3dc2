using System.Security.Cryptography;

namespace CallbackPipeline.Core;

/// <summary>Constant-time comparisons of a computed MAC with what a caller sent.</summary>
public static class Signatures
{
    /// <summary>Whether <paramref name="base64"/> decodes to exactly <paramref name="expected"/>, in time independent of where they differ.</summary>
    public static bool Base64Equals(string? base64, ReadOnlySpan<byte> expected)
    {
        if (string.IsNullOrEmpty(base64) || base64.Length > 512) return false;
        Span<byte> given = stackalloc byte[384];
        return Convert.TryFromBase64String(base64.Trim(), given, out var length)
            && CryptographicOperations.FixedTimeEquals(given[..length], expected);
    }

    /// <summary>Whether <paramref name="hex"/> (either case) is exactly <paramref name="expected"/>.</summary>
    public static bool HexEquals(string? hex, ReadOnlySpan<byte> expected)
    {
        if (string.IsNullOrEmpty(hex) || hex.Length != expected.Length * 2) return false;
        Span<byte> given = stackalloc byte[128];
        return Convert.FromHexString(hex, given[..expected.Length], out _, out var written) == System.Buffers.OperationStatus.Done
            && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(given[..written], expected);
    }
}
