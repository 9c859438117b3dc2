using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Accounts;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage.Stats;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Admin;

/// <summary>
/// <c>GET /v1/admin/providers/{id}/recount</c> (operator key): recounts a provider's days inside the dedup window from
/// its dedup records in Redis and sets them beside what the stats serve (PostgreSQL rows plus Redis deltas).
/// A day where the two differ is a day to investigate.
/// </summary>
public static class RecountEndpoints
{
    public static IEndpointRouteBuilder MapRecount(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v1/admin/providers").RequireOperatorKey().MapGet("/{id}/recount", RecountAsync);
        return routes;
    }

    private static async Task<Results<Ok<RecountReport>, ProblemHttpResult>> RecountAsync(
        string id, ProviderStore providers, StatsReader stats, Recounter recounter, TimeProvider clock, IOptions<CountingOptions> counting, CancellationToken ct)
    {
        if (await providers.FindRouteAsync(id, ct) is not { } route) return Problems.NotFound("No such provider.");
        var zone = TimeZones.Get(route.TimeZone);
        var to = EventClock.Today(clock, zone).AddDays(1);
        var from = to.AddDays(-(int)Math.Ceiling(counting.Value.DedupWindow.TotalDays) - 1);
        var served = (await stats.ReadWithInsightsAsync([id], from, to, ct)).GetValueOrDefault(id) ?? new ProviderDays();
        var recounted = await recounter.RecountAsync(id, zone, ct);
        var rows = served.Counts.Keys.Union(recounted.Days.Keys).Where(d => d >= from && d <= to).Order()
            .Select(d => new RecountDay(d, served.Counts.GetValueOrDefault(d), recounted.Days.GetValueOrDefault(d),
                SentByCountry(served.Insights.GetValueOrDefault(d)), recounted.SentByCountry.GetValueOrDefault(d) ?? []))
            .ToList();
        return TypedResults.Ok(new RecountReport(id, from, to, rows.All(r => r.Matches), rows));
    }

    private static Dictionary<string, long> SentByCountry(DayInsights? insights) =>
        insights?.Countries.Where(c => c.Value.Sent > 0).ToDictionary(c => c.Key, c => c.Value.Sent, StringComparer.Ordinal) ?? [];
}

/// <summary>
/// One day, as served and as the dedup records rebuild it: the counters, and the sent messages by country (the one
/// insight the records hold).
/// </summary>
public sealed record RecountDay(DateOnly Date, DailyCounts Served, DailyCounts Recounted,
    Dictionary<string, long> ServedSentByCountry, Dictionary<string, long> RecountedSentByCountry)
{
    public bool Matches => Served == Recounted && ServedSentByCountry.Count == RecountedSentByCountry.Count
        && ServedSentByCountry.All(c => RecountedSentByCountry.GetValueOrDefault(c.Key) == c.Value);
}

public sealed record RecountReport(string ProviderId, DateOnly From, DateOnly To, bool Matches, IReadOnlyList<RecountDay> Days);
