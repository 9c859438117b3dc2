using System.Collections.Concurrent;
using System.Text.Json;
using CallbackPipeline.Storage.Providers;

namespace CallbackPipeline.Api.Stats;

/// <summary>
/// The account overview as one read made it: every provider's line and the totals over them all. Its pages are cut
/// from it and kept with it (<see cref="StatsCache"/> keeps the overview), so paging through many providers reads
/// their figures once per <see cref="StatsOptions.MaxAge"/> rather than once per page, and the pages of one read agree.
/// </summary>
public sealed class AccountOverview(IReadOnlyList<ProviderRecord> providers, IReadOnlyList<ProviderSummary> lines, AccountStats whole)
{
    private readonly ConcurrentDictionary<Page, StatsAnswer> pages = new();

    /// <summary>The answer for one page: the whole overview's totals, and the page's providers.</summary>
    public StatsAnswer Answer(Page page, JsonSerializerOptions json) => pages.GetOrAdd(page, p => Cut(p, json));

    private StatsAnswer Cut(Page page, JsonSerializerOptions json)
    {
        var first = page.After is null ? 0 : FirstAfter(page.After);
        var shown = lines.Skip(first).Take(page.Limit).ToList();
        var next = first + page.Limit < providers.Count ? Page.Encode(ProviderPosition.Of(providers[first + page.Limit - 1])) : null;
        var stats = whole with { Providers = shown };
        return StatsAnswer.Of(stats with { AsOf = default }, stats, json, next);
    }

    private int FirstAfter(ProviderPosition after)
    {
        for (var i = 0; i < providers.Count; i++)
        {
            if (after.IsBefore(providers[i])) return i;
        }
        return providers.Count;
    }
}
