using System.Diagnostics;
using CallbackPipeline.Api.Accounts;
using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.Api.Stats;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage.Stats;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Insights;

/// <summary>
/// A provider's insights: why its messages fail, how fast they are delivered, and where they go. Same range rules,
/// checks, cache, <c>asOf</c> and ETag/304 as its stats; read with the counters from one snapshot, so failures sum to
/// the range's <c>failed</c> and countries to its totals.
/// </summary>
public static class InsightEndpoints
{
    public static IEndpointRouteBuilder MapInsights(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/providers/{id}/stats").RequireAccountKey();
        group.MapGet("/failures", (string id, string? from, string? to, HttpContext context, InsightReader reader) =>
            reader.AnswerAsync(context, "failures", id, from, to, (read, days) =>
            {
                var sum = InsightFigures.Sum(days.Insights.Values);
                var failed = days.Counts.Values.Sum(c => c.Failed);
                return new FailureStats(id, read.Range.From, read.Range.To, read.Range.Days, read.TimeZone, failed,
                    InsightFigures.Categories(read.Provider.Kind, sum), InsightFigures.Codes(read.Provider.Kind, sum), default);
            }, (stats, asOf) => stats with { AsOf = asOf }));
        group.MapGet("/latency", (string id, string? from, string? to, HttpContext context, InsightReader reader) =>
            reader.AnswerAsync(context, "latency", id, from, to, (read, days) =>
            {
                var sum = InsightFigures.Sum(days.Insights.Values);
                var latency = InsightFigures.Latency(sum);
                var buckets = sum.Latency.Select((n, i) => new LatencyBucket(LatencyBuckets.Bound(i), n)).ToList();
                var series = read.Range.Dates().Select(d =>
                {
                    var day = InsightFigures.Latency(days.Insights.GetValueOrDefault(d) ?? new DayInsights());
                    return new LatencyDay(d, day.Messages, day.P50, day.P90);
                }).ToList();
                return new LatencyStats(id, read.Range.From, read.Range.To, read.Range.Days, read.TimeZone,
                    latency.Messages, latency.P50, latency.P90, latency.P99, buckets, series, default);
            }, (stats, asOf) => stats with { AsOf = asOf }));
        group.MapGet("/countries", (string id, string? from, string? to, HttpContext context, InsightReader reader) =>
            reader.AnswerAsync(context, "countries", id, from, to, (read, days) =>
                new CountryStats(id, read.Range.From, read.Range.To, read.Range.Days, read.TimeZone,
                    InsightFigures.Countries(InsightFigures.Sum(days.Insights.Values), read.Provider.DeliveryCallbacks), default),
                (stats, asOf) => stats with { AsOf = asOf }));
        return routes;
    }
}

/// <summary>What every insight route does before its figures: the cache, the provider (404 outside the account), the range (400), the read.</summary>
public sealed class InsightReader(StatsCache cache, ProviderStore providers, StatsReader reader, PipelineMetrics metrics, TimeProvider clock, IOptions<JsonOptions> json)
{
    public sealed record Read(ProviderRecord Provider, string TimeZone, StatsRange Range);

    public async Task<IResult> AnswerAsync<T>(HttpContext context, string route, string id, string? from, string? to,
        Func<Read, ProviderDays, T> build, Func<T, DateTimeOffset, T> stamp)
    {
        var caller = Caller.From(context);
        var answer = await cache.GetAsync(caller.AccountId, $"{route} {id} {from} {to}", async () =>
        {
            // Not the request's token: the read may be finished for the polls that share it.
            var ct = CancellationToken.None;
            var started = Stopwatch.GetTimestamp();
            if (await providers.FindRouteAsync(id, ct, withSecrets: false) is not { } found || found.Provider.AccountId != caller.AccountId)
            {
                return StatsAnswer.Failed(ProviderEndpoints.NoProvider());
            }
            if (!StatsRange.TryParse(from, to, EventClock.Today(clock, TimeZones.Get(found.TimeZone)), out var range, out var error))
            {
                return StatsAnswer.Failed(Problems.BadRequest(error!));
            }
            var days = (await reader.ReadWithInsightsAsync([id], range.From, range.To, ct)).GetValueOrDefault(id) ?? new ProviderDays();
            var figures = build(new Read(found.Provider, found.TimeZone, range), days);
            metrics.StatsDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return StatsAnswer.Of(figures, stamp(figures, clock.GetUtcNow()), json.Value.SerializerOptions);
        });
        return answer.Send(context);
    }
}
