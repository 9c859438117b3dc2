using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Storage.Providers;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>Checks a URL token against the provider's current token and, during the rotation grace period, its previous one.</summary>
public static class CallbackTokens
{
    public static bool Matches(ProviderRecord provider, string? token, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token)) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        // Both comparisons always run, over equal-length hashes: the time taken says nothing about the token.
        var current = Equal(given, provider.CallbackToken);
        var previous = Equal(given, provider.PreviousToken) && provider.PreviousTokenExpiresAt > now;
        return current | previous;
    }

    private static bool Equal(byte[] given, string? expected) =>
        CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(Encoding.UTF8.GetBytes(expected ?? "\0")));
}
