using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CallbackPipeline.Core.Generic;

/// <summary>
/// Standard Webhooks verification (standardwebhooks.com): HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>,
/// <c>webhook-signature</c> holding space-separated <c>v1,&lt;base64&gt;</c> entries, timestamp within a tolerance.
/// </summary>
public static class StandardWebhookSignature
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public enum Result
    {
        Valid,
        MissingHeaders,
        BadTimestamp,
        Mismatch,
    }

    public static Result Verify(string secret, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return Result.MissingHeaders;
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds)
        {
            return Result.BadTimestamp;
        }

        var expected = Sign(Key(secret), id, timestamp, body);
        var matched = false;
        Span<byte> given = stackalloc byte[64];
        foreach (var entry in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || entry[..comma] != "v1") continue;
            if (Convert.TryFromBase64String(entry[(comma + 1)..], given, out var length))
            {
                // Evaluate every entry, so the time taken does not reveal which one matched.
                matched |= CryptographicOperations.FixedTimeEquals(given[..length], expected);
            }
        }
        return matched ? Result.Valid : Result.Mismatch;
    }

    public static string Signature(string secret, string id, string timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Sign(Key(secret), id, timestamp, body));

    private static byte[] Key(string secret) =>
        Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);

    private static byte[] Sign(byte[] key, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, content);
    }
}
