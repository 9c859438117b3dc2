using CallbackPipeline.Api.Accounts;
using CallbackPipeline.Api.Callbacks;
using CallbackPipeline.Api.Hosting;
using CallbackPipeline.Storage.Providers;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Providers;

/// <summary>
/// The receiver's cached view of providers: a callback costs no database round trip, and while PostgreSQL is
/// down the last known copy keeps serving (docs/architecture.md, "The rules"). Unknown ids are cached too, so a flood of
/// junk ids does not reach the database; they are the first to go when the cache is full (<c>Callbacks:ProviderCacheSize</c>).
/// </summary>
public sealed class ProviderDirectory(ProviderStore store, TimeProvider clock, IOptions<CallbacksOptions> options) : IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = options.Value.ProviderCacheSize });

    /// <summary>The provider with its account's zone; null when there is no such provider.</summary>
    /// <exception cref="Storage.StorageUnavailableException">PostgreSQL is down and the provider was never loaded.</exception>
    public async ValueTask<CachedProvider?> FindAsync(string providerId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(providerId, out Entry? entry) && now - entry!.LoadedAt < options.Value.ProviderCacheTtl)
        {
            return entry.Provider;
        }
        try
        {
            var route = await store.FindRouteAsync(providerId, cancellationToken);
            var provider = route is null ? null : new CachedProvider(route.Provider, TimeZones.Get(route.TimeZone));
            cache.Set(providerId, new Entry(provider, now), new MemoryCacheEntryOptions
            {
                Size = 1,
                Priority = provider is null ? CacheItemPriority.Low : CacheItemPriority.Normal,
            });
            return provider;
        }
        catch (Exception) when (entry is not null && !cancellationToken.IsCancellationRequested)
        {
            return entry.Provider;
        }
    }

    public void Invalidate(string providerId) => cache.Remove(providerId);

    public void Dispose() => cache.Dispose();

    private sealed record Entry(CachedProvider? Provider, DateTimeOffset LoadedAt);
}

/// <summary>
/// A provider, its account's reporting time zone, and what its callbacks' URL tokens are checked against. A class,
/// not a record: a <c>with</c> copy would keep the tokens of the provider it was copied from.
/// </summary>
public sealed class CachedProvider(ProviderRecord record, TimeZoneInfo zone)
{
    public ProviderRecord Record { get; } = record;

    public TimeZoneInfo Zone { get; } = zone;

    public CallbackTokens Tokens { get; } = new(record);
}
