using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Accounts;
using CallbackPipeline.Core.Events;
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
        var to = EventClock.Today(clock, TimeZones.Get(route.TimeZone)).AddDays(1);
        var from = to.AddDays(-(int)Math.Ceiling(counting.Value.DedupWindow.TotalDays) - 1);
        var served = (await stats.ReadAsync([id], from, to, ct)).GetValueOrDefault(id) ?? [];
        var recounted = await recounter.RecountAsync(id, ct);
        var rows = served.Keys.Union(recounted.Keys).Where(d => d >= from && d <= to).Order()
            .Select(d => new RecountDay(d, served.GetValueOrDefault(d), recounted.GetValueOrDefault(d)))
            .ToList();
        return TypedResults.Ok(new RecountReport(id, from, to, rows.All(r => r.Matches), rows));
    }
}

public sealed record RecountDay(DateOnly Date, DailyCounts Served, DailyCounts Recounted)
{
    public bool Matches => Served == Recounted;
}

public sealed record RecountReport(string ProviderId, DateOnly From, DateOnly To, bool Matches, IReadOnlyList<RecountDay> Days);
