using System.Diagnostics;
using CallbackPipeline.Api.Accounts;
using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage.Stats;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Stats;

/// <summary>
/// What every route of one provider's figures does around them (its stats and its insights): the cache, the provider
/// (404 outside the account), the range (400), one read of the counters (with the insight tallies when the figures
/// need them), the metric, and the ETag.
/// </summary>
public sealed class ProviderAnswers(StatsCache cache, ProviderStore providers, StatsReader reader, PipelineMetrics metrics, TimeProvider clock, IOptions<JsonOptions> json)
{
    public sealed record Read(ProviderRecord Provider, string TimeZone, StatsRange Range);

    public async Task<IResult> AnswerAsync<T>(HttpContext context, string route, string id, string? from, string? to, bool insights,
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
            if (!StatsRange.TryParse(from, to, EventClock.Today(clock, TimeZones.Get(found.TimeZone)), out var range, out var errors))
            {
                return StatsAnswer.Failed(Problems.Validation(errors));
            }
            var days = (await reader.ReadAsync([id], range.From, range.To, insights, ct)).GetValueOrDefault(id) ?? new ProviderDays();
            var figures = build(new Read(found.Provider, found.TimeZone, range), days);
            metrics.StatsDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return StatsAnswer.Of(figures, stamp(figures, clock.GetUtcNow()), json.Value.SerializerOptions);
        });
        return answer.Send(context);
    }
}
