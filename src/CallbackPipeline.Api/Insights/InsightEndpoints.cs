using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Stats;
using CallbackPipeline.Core.Insights;

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
        group.MapGet("/failures", (string id, string? from, string? to, HttpContext context, ProviderAnswers answers) =>
            answers.AnswerAsync(context, "failures", id, from, to, insights: true, (read, days) =>
            {
                var sum = InsightFigures.Sum(days.Insights);
                var failed = days.Counts.Values.Sum(c => c.Failed);
                return new FailureStats(id, read.Range.From, read.Range.To, read.Range.Days, read.TimeZone, failed,
                    InsightFigures.Categories(read.Provider.Kind, sum, failed), InsightFigures.Codes(read.Provider.Kind, sum, failed), default);
            }, (stats, asOf) => stats with { AsOf = asOf }));
        group.MapGet("/latency", (string id, string? from, string? to, HttpContext context, ProviderAnswers answers) =>
            answers.AnswerAsync(context, "latency", id, from, to, insights: true, (read, days) =>
            {
                var sum = InsightFigures.Sum(days.Insights);
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
        group.MapGet("/countries", (string id, string? from, string? to, HttpContext context, ProviderAnswers answers) =>
            answers.AnswerAsync(context, "countries", id, from, to, insights: true, (read, days) =>
                new CountryStats(id, read.Range.From, read.Range.To, read.Range.Days, read.TimeZone,
                    InsightFigures.Countries(InsightFigures.Sum(days.Insights), read.Provider.DeliveryCallbacks), default),
                (stats, asOf) => stats with { AsOf = asOf }));
        return routes;
    }
}
