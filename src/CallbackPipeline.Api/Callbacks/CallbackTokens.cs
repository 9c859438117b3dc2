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
    private static readonly byte[] None = new byte[SHA256.HashSizeInBytes];

    private readonly byte[] current = Hash(provider.CallbackToken);
    private readonly byte[] previous = Hash(provider.PreviousToken);
    private readonly bool hasCurrent = provider.CallbackToken is not null;
    private readonly DateTimeOffset? previousExpiresAt = provider.PreviousToken is null ? null : provider.PreviousTokenExpiresAt;

    public bool Matches(string? token, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token)) return false;
        var given = Hash(token);
        // Both comparisons always run, over equal-length hashes: the time taken says nothing about the token.
        var isCurrent = CryptographicOperations.FixedTimeEquals(given, current) && hasCurrent;
        var isPrevious = CryptographicOperations.FixedTimeEquals(given, previous) && previousExpiresAt > now;
        return isCurrent | isPrevious;
    }

    private static byte[] Hash(string? token) => token is null ? None : SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
