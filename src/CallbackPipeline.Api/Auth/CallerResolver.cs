using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Api.Hosting;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Accounts;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Auth;

/// <summary>
/// Resolves a bearer key to a <see cref="Caller"/>. Account keys are cached for at most a second, so a revoked
/// key stops working within a second while polling dashboards cost no database round trip per request. While
/// PostgreSQL is unreachable a key confirmed in the last five minutes keeps its answer (sent events keep flowing); any
/// other key gets 503.
/// </summary>
public sealed class CallerResolver(ApiKeyStore keys, IOptions<AuthOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(1);

    // An answer confirmed longer ago may predate a revocation made through another receiver: not served stale.
    private static readonly TimeSpan StaleLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StaleRetry = TimeSpan.FromSeconds(5);
    private readonly byte[] operatorHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.OperatorKey));
    private readonly ConcurrentDictionary<string, (Caller? Caller, DateTimeOffset Expires, DateTimeOffset Confirmed)> cache = new(StringComparer.Ordinal);

    public async Task<Caller?> ResolveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        var key = header["Bearer ".Length..].Trim();
        if (key.Length is 0 or > 256) return null;

        // Hashes have equal length, so the comparison takes the same time whatever the key.
        if (CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), operatorHash)) return Caller.Operator;
        if (!key.StartsWith(ApiKeyStore.KeyPrefix, StringComparison.Ordinal)) return null;

        var now = clock.GetUtcNow();
        var hashKey = Convert.ToBase64String(ApiKeyStore.Hash(key));
        if (cache.TryGetValue(hashKey, out var cached) && cached.Expires > now) return cached.Caller;

        ApiKey? found;
        try
        {
            found = await keys.FindAsync(key, cancellationToken);
        }
        catch (StorageUnavailableException) when (cached.Confirmed != default && now - cached.Confirmed <= StaleLimit)
        {
            // PostgreSQL is unreachable, so no key can be revoked meanwhile: a recent answer still holds. It is reused
            // for a few seconds before the next attempt, so requests do not each wait out a connect timeout.
            cache[hashKey] = cached with { Expires = now + StaleRetry };
            return cached.Caller;
        }
        var caller = found is null ? null : new Caller(false, found.AccountId, found.Role);
        if (cache.Count > 10_000) cache.Clear();
        cache[hashKey] = (caller, now + CacheTtl, now);
        return caller;
    }
}
