using System.Security.Cryptography;

namespace CallbackPipeline.Storage;

/// <summary>Opaque, unguessable identifiers and secrets.</summary>
public static class Ids
{
    /// <summary>A prefixed id with 128 random bits, e.g. <c>prv_3f2a…</c>.</summary>
    public static string New(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    /// <summary>A URL-safe secret with 256 random bits.</summary>
    public static string Secret() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlEncode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
