using System.Diagnostics;
using CallbackPipeline.Api.Accounts;
using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Insights;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Accounts;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage.Stats;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Stats;

/// <summary>
/// The stats a dashboard polls: PostgreSQL rows plus unflushed Redis deltas, kept briefly for the next polls
/// (<see cref="StatsCache"/>). Answers carry an ETag over everything but <c>asOf</c>; a matching <c>If-None-Match</c>
/// gets 304.
/// </summary>
public static class StatsEndpoints
{
    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").RequireAccountKey();
        group.MapGet("/providers/{id}/stats", ProviderAsync);
        group.MapGet("/stats", AccountAsync);
        return routes;
    }

    private static Task<IResult> ProviderAsync(string id, string? from, string? to, HttpContext context, ProviderAnswers answers) =>
        answers.AnswerAsync(context, "stats", id, from, to, insights: false, (read, days) =>
        {
            var (range, dc) = (read.Range, read.Provider.DeliveryCallbacks);
            var series = range.Dates().Select(d =>
            {
                var c = days.Counts.GetValueOrDefault(d);
                return new DayFigures(d, c.Sent, c.Delivered, c.Failed, c.Clicks, c.Clicked, c.Replies, Figures.DeliveryRate(c, dc), Figures.Ctr(c, dc));
            }).ToList();
            var totals = Sum(days.Counts.Values);
            return new ProviderStats(
                id, range.From, range.To, range.Days, read.TimeZone, dc, totals,
                Figures.DeliveryRate(totals, dc), Figures.Ctr(totals, dc),
                Figures.DailyAverage(totals.Sent, range.Days), Figures.DailyAverage(totals.Delivered, range.Days),
                series, default);
        }, (stats, asOf) => stats with { AsOf = asOf });

    private static async Task<IResult> AccountAsync(
        string? from, string? to, HttpContext context, StatsCache cache, ProviderStore providers, AccountStore accounts,
        StatsReader reader, PipelineMetrics metrics, TimeProvider clock, IOptions<JsonOptions> json)
    {
        var caller = Caller.From(context);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var page = Page.Read(context.Request, errors);
        StatsRange.Check(from, to, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var overview = await cache.GetAsync(caller.AccountId, $"account {from} {to}", async () =>
        {
            var ct = CancellationToken.None;
            var started = Stopwatch.GetTimestamp();
            var account = (await accounts.GetAsync(caller.AccountId, ct))!;
            var range = StatsRange.Resolve(from, to, EventClock.Today(clock, TimeZones.Get(account.TimeZone)));

            var list = await providers.ListAsync(caller.AccountId, ct, withSecrets: false);
            var read = await reader.ReadWithInsightsAsync(list.Select(p => p.Id).ToList(), range.From, range.To, ct);
            var lines = list.Select(p =>
            {
                var days = read.GetValueOrDefault(p.Id) ?? new ProviderDays();
                var totals = Sum(days.Counts.Values);
                var insights = InsightFigures.Sum(days.Insights);
                var latency = InsightFigures.Latency(insights);
                return new ProviderSummary(p.Id, p.Name, ProviderKindSpec.Name(p.Kind), p.Archived ? "archived" : "active", p.DeliveryCallbacks,
                    totals, Figures.DeliveryRate(totals, p.DeliveryCallbacks), Figures.Ctr(totals, p.DeliveryCallbacks),
                    new TimeToDeliver(latency.Messages, latency.P50, latency.P90), InsightFigures.TopFailure(p.Kind, insights, totals.Failed));
            }).ToList();
            // The totals and rates cover every provider; each page lists some of them.
            var all = Sum(lines.Select(s => s.Totals));
            var withCallbacks = Sum(lines.Where(s => s.DeliveryCallbacks).Select(s => s.Totals));
            var whole = new AccountStats(range.From, range.To, range.Days, account.TimeZone, all,
                Figures.DeliveryRate(withCallbacks, true), Figures.Ctr(withCallbacks, true), [], clock.GetUtcNow());
            metrics.StatsDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return new AccountOverview(list, lines, whole);
        }, _ => true);
        var answer = overview.Answer(page, json.Value.SerializerOptions);
        return answer.Send(context);
    }

    private static DailyCounts Sum(IEnumerable<DailyCounts> counts) => counts.Aggregate(default(DailyCounts), (a, b) => a + b);
}
