using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Storage.Providers;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>
/// Checks a URL token against the provider's current token and, during the rotation grace period, its previous one.
/// The tokens' SHA-256 are taken once, when the provider is cached, so a callback pays for one hash: its own token's.
/// </summary>
public sealed class CallbackTokens(ProviderRecord provider)
{
    /// <summary>Stands for a missing token: no SHA-256 of a given token is all zeros, so it matches nothing.</summary>
    private static readonly byte[] None = new byte[SHA256.HashSizeInBytes];

    private readonly byte[] current = Hash(provider.CallbackToken);
    private readonly byte[] previous = Hash(provider.PreviousToken);
    private readonly DateTimeOffset? previousExpiresAt = provider.PreviousTokenExpiresAt;

    public bool Matches(string? token, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token)) return false;
        var given = Hash(token);
        // Both comparisons always run, over equal-length hashes: the time taken says nothing about the token.
        var isCurrent = CryptographicOperations.FixedTimeEquals(given, current);
        var isPrevious = CryptographicOperations.FixedTimeEquals(given, previous) && previousExpiresAt > now;
        return isCurrent | isPrevious;
    }

    private static byte[] Hash(string? token) => token is null ? None : SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
