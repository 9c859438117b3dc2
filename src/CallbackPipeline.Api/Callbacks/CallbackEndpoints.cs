using CallbackPipeline.Api.Hosting;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>
/// <c>/v1/callbacks/{providerId}</c>: find the provider (404 first), refuse a source with too many recent 401s for it
/// (429), read the bounded body, let the kind's format authenticate and parse it, queue the accepted events in one
/// message, and only then answer 2xx. No counting and no database write happen here.
/// </summary>
public static class CallbackEndpoints
{
    public static IEndpointRouteBuilder MapCallbacks(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1/callbacks/{providerId}", [HttpMethods.Post, HttpMethods.Get], ReceiveAsync)
            .WithTags("Callbacks")
            .DisableAntiforgery();

        // What a callback may leave uncounted starts at 0 for every kind: a series that first appears with a
        // nonzero value has no earlier sample, so an alert on its rate would miss the first increase.
        var metrics = routes.ServiceProvider.GetRequiredService<PipelineMetrics>();
        routes.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            foreach (var kind in Enum.GetValues<ProviderKind>())
            {
                var tag = KindTag(ProviderKindSpec.Name(kind));
                metrics.EventsIgnored.Add(0, tag);
                metrics.UnknownStatuses.Add(0, tag);
            }
        });
        return routes;
    }

    private static async Task<IResult> ReceiveAsync(
        string providerId,
        HttpContext context,
        ProviderDirectory directory,
        IEnumerable<ICallbackFormat> formats,
        IEventQueue queue,
        QueueSignal signal,
        PublicUrls urls,
        AuthFailureThrottle throttle,
        PipelineMetrics metrics,
        TimeProvider clock,
        IOptions<CallbacksOptions> options,
        ILogger<ICallbackFormat> logger)
    {
        var settings = options.Value;
        var ct = context.RequestAborted;
        CachedProvider? provider;
        try
        {
            provider = await directory.FindAsync(providerId, ct);
        }
        catch (Npgsql.NpgsqlException e)
        {
            logger.ProviderLookupFailed(providerId, e);
            return Problems.Unavailable(context, settings.RetryAfterSeconds, "The provider cannot be looked up right now.");
        }
        if (provider is null)
        {
            return Reject(metrics, logger, providerId, "unknown", "unknown_provider", Problems.NotFound("No such provider."));
        }

        var kind = ProviderKindSpec.Name(provider.Record.Kind);
        var format = formats.FirstOrDefault(f => f.Kind == provider.Record.Kind);
        if (format is null)
        {
            return Reject(metrics, logger, providerId, kind, "kind_not_supported",
                TypedResults.Problem(statusCode: StatusCodes.Status501NotImplemented, title: "Not Implemented", detail: $"Callbacks of kind {kind} are not supported yet."));
        }
        var source = context.Connection.RemoteIpAddress;
        if (throttle.RetryAfter(source, providerId) is { } wait)
        {
            return Reject(metrics, logger, providerId, kind, "throttled",
                Problems.TooManyRequests(context, wait, "Too many failed authentications from this address for this provider; try again later."));
        }
        if (await RequestBody.ReadAsync(context.Request, settings.MaxBodyBytes, ct) is not { } body)
        {
            return Reject(metrics, logger, providerId, kind, "too_large", Problems.TooLarge(settings.MaxBodyBytes));
        }

        var now = clock.GetUtcNow();
        var request = new CallbackRequest(
            context.Request.Method, context.Request.ContentType, body, context.Request.Query, context.Request.Headers,
            urls, providerId, context.Request.QueryString.Value ?? "", now);
        CallbackRead read;
        try
        {
            read = format.Read(request, provider);
        }
        catch (CallbackFormatException e)
        {
            return Reject(metrics, logger, providerId, kind, "parse", Problems.BadRequest(e.Message));
        }

        if (read.Parsed is not { } parsed)
        {
            if (read.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                return Reject(metrics, logger, providerId, kind, "content_type", Problems.UnsupportedMediaType(read.Reason!));
            }
            throttle.Failed(source, providerId);
            return Reject(metrics, logger, providerId, kind, "signature", Problems.Unauthorized(read.Reason!));
        }
        if (parsed.Processed == 0)
        {
            var errors = parsed.Unprocessed.ToDictionary(u => u.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), u => new[] { u.Error });
            return Reject(metrics, logger, providerId, kind, "parse", Problems.BadRequest("No record in the request is valid.", errors));
        }

        var events = parsed.Events
            .Select(e =>
            {
                var time = EventClock.Effective(e.Time, now);
                return new CallbackEvent(providerId, e.Kind, e.MessageId, e.Distinct, time.ToUnixTimeSeconds(), EventClock.DayIn(time, provider.Zone));
            })
            .ToList();
        if (events.Count > 0)
        {
            try
            {
                using var enqueue = PipelineMetrics.ActivitySource.StartActivity("enqueue", System.Diagnostics.ActivityKind.Producer);
                enqueue?.SetTag("messaging.batch.message_count", events.Count);
                await queue.EnqueueAsync(events, System.Diagnostics.Activity.Current?.Id, ct);
            }
            catch (QueueUnavailableException e)
            {
                logger.QueueUnavailable(e.Message);
                return Reject(metrics, logger, providerId, kind, "queue_unavailable", Problems.Unavailable(context, settings.RetryAfterSeconds, e.Message));
            }
            signal.Notify();
        }

        metrics.CallbacksAccepted.Add(1, KindTag(kind));
        metrics.EventsQueued.Add(events.Count, KindTag(kind));
        // Most callbacks ignore nothing: adding zero would cost a lookup in the metric's aggregators per request.
        if (parsed.Ignored > 0) metrics.EventsIgnored.Add(parsed.Ignored, KindTag(kind));
        if (parsed.UnknownStatuses > 0) metrics.UnknownStatuses.Add(parsed.UnknownStatuses, KindTag(kind));
        return format.Success(parsed);
    }

    private static KeyValuePair<string, object?> KindTag(string kind) => new("provider.kind", kind);

    private static IResult Reject(PipelineMetrics metrics, ILogger logger, string providerId, string kind, string reason, IResult result)
    {
        metrics.CallbacksRejected.Add(1, KindTag(kind), new("reason", reason));
        logger.CallbackRejected(providerId, reason);
        return result;
    }
}
