using System.Collections.Frozen;
using CallbackPipeline.Api.Hosting;
using CallbackPipeline.Api.Ingestion;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>
/// What receiving one callback takes, step by step (<see cref="Callback"/>): each step either lets the request go on
/// (null) or is the answer, a refusal counted by reason in <c>callbacks.rejected</c> and logged.
/// </summary>
public sealed class CallbackReceiver(
    ProviderDirectory directory,
    IEnumerable<ICallbackFormat> formats,
    EventIngestion ingestion,
    PublicUrls urls,
    AuthFailureThrottle throttle,
    PipelineMetrics metrics,
    TimeProvider clock,
    IOptions<CallbacksOptions> options,
    ILogger<CallbackReceiver> logger)
{
    private readonly ProviderDirectory directory = directory;
    private readonly FrozenDictionary<ProviderKind, ICallbackFormat> formats = formats.ToFrozenDictionary(f => f.Kind);
    private readonly EventIngestion ingestion = ingestion;
    private readonly PublicUrls urls = urls;
    private readonly AuthFailureThrottle throttle = throttle;
    private readonly PipelineMetrics metrics = metrics;
    private readonly TimeProvider clock = clock;
    private readonly CallbacksOptions settings = options.Value;
    private readonly ILogger logger = logger;

    public Callback Start(string providerId, HttpContext context) => new(this, providerId, context);

    /// <summary>One callback request on its way through the steps.</summary>
    public sealed class Callback(CallbackReceiver receiver, string providerId, HttpContext context)
    {
        private readonly CallbacksOptions settings = receiver.settings;
        private string kind = "unknown";
        private CachedProvider provider = null!;
        private ICallbackFormat format = null!;
        private ReadOnlyMemory<byte>? body;
        private ParsedCallback parsed = null!;

        /// <summary>404 for an unknown provider, before any authentication; 503 when it cannot be looked up.</summary>
        public async ValueTask<IResult?> FindProviderAsync()
        {
            try
            {
                if (await receiver.directory.FindAsync(providerId, context.RequestAborted) is not { } found)
                {
                    return Reject(CallbackRejections.UnknownProvider, Problems.NotFound("No such provider."));
                }
                provider = found;
            }
            catch (StorageUnavailableException e)
            {
                receiver.logger.ProviderLookupFailed(new CallerText(providerId), e);
                return Reject(CallbackRejections.Unavailable, Problems.Unavailable(settings.RetryAfter, "The provider cannot be looked up right now."));
            }
            kind = ProviderKindSpec.Name(provider.Record.Kind);
            format = receiver.formats[provider.Record.Kind];
            return null;
        }

        /// <summary>429 while this source has had too many 401s for this provider, before the body is read.</summary>
        public IResult? CheckThrottle() =>
            receiver.throttle.RetryAfter(context.Connection.RemoteIpAddress, providerId) is { } wait
                ? Reject(CallbackRejections.Throttled, Problems.TooManyRequests(wait, "Too many failed authentications from this address for this provider; try again later."))
                : null;

        /// <summary>413 for a body over the limit; nothing over it is buffered.</summary>
        public async ValueTask<IResult?> ReadBodyAsync()
        {
            body = await RequestBody.ReadAsync(context.Request, settings.MaxBodyBytes, context.RequestAborted);
            return body is null ? Reject(CallbackRejections.TooLarge, Problems.TooLarge(settings.MaxBodyBytes)) : null;
        }

        /// <summary>The kind's format authenticates and parses the raw request: 415, 401, or 400 when no record is usable.</summary>
        public IResult? Read()
        {
            var request = context.Request;
            CallbackRead read;
            try
            {
                read = format.Read(new CallbackRequest(request.Method, request.ContentType, body!.Value, request.Query, request.Headers,
                    receiver.urls, providerId, request.QueryString.Value ?? "", receiver.clock.GetUtcNow()), provider);
            }
            catch (CallbackFormatException e)
            {
                return Reject(CallbackRejections.Parse, Problems.BadRequest(e.Message));
            }
            if (read.Parsed is not { } result)
            {
                if (read.Status == StatusCodes.Status415UnsupportedMediaType)
                {
                    return Reject(CallbackRejections.ContentType, Problems.UnsupportedMediaType(read.Reason!));
                }
                receiver.throttle.Failed(context.Connection.RemoteIpAddress, providerId);
                return Reject(CallbackRejections.Signature, Problems.Unauthorized(read.Reason!));
            }
            if (result.Processed == 0)
            {
                var errors = result.Unprocessed.ToDictionary(u => u.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), u => new[] { u.Error });
                return Reject(CallbackRejections.Parse, Problems.BadRequest("No record in the request is valid.", errors));
            }
            parsed = result;
            return null;
        }

        /// <summary>Queues the accepted events in one message, with the time and day each counts on; 503 when the queue refuses.</summary>
        public async ValueTask<IResult?> QueueAsync()
        {
            var now = receiver.clock.GetUtcNow();
            var events = new CallbackEvent[parsed.Events.Count];
            for (var i = 0; i < events.Length; i++)
            {
                var e = parsed.Events[i];
                var time = EventClock.Effective(e.Time, now);
                events[i] = new CallbackEvent(providerId, e.Kind, e.MessageId, e.Distinct, time.ToUnixTimeSeconds(), EventClock.DayIn(time, provider.Zone))
                {
                    Code = e.Kind == EventKind.Failed ? FailureCodes.Normalize(e.Code) : null,
                    Description = e.Kind == EventKind.Failed ? FailureCodes.NormalizeDescription(e.Description) : null,
                    Country = e.Kind is EventKind.Sent or EventKind.Delivered or EventKind.Failed ? Countries.OfNumber(e.To) : null,
                };
            }
            return await receiver.ingestion.QueueAsync(events, kind, context.RequestAborted) is { } refused
                ? Reject(CallbackRejections.QueueUnavailable, refused)
                : null;
        }

        /// <summary>The success answer the provider expects; what the request left uncounted is counted by metric.</summary>
        public IResult Answer()
        {
            var metrics = receiver.metrics;
            var tag = new KeyValuePair<string, object?>(PipelineMetrics.KindTag, kind);
            metrics.CallbacksAccepted.Add(1, tag);
            // Most callbacks ignore nothing: adding zero would cost a lookup in the metric's aggregators per request.
            if (parsed.Ignored > 0) metrics.EventsIgnored.Add(parsed.Ignored, tag);
            if (parsed.UnknownStatuses > 0) metrics.UnknownStatuses.Add(parsed.UnknownStatuses, tag);
            return format.Success(parsed);
        }

        private IResult Reject(string reason, IResult result)
        {
            if (body is null) RequestBody.CloseIfUnreadBodyMayBeOver(context.Request, settings.MaxBodyBytes);
            receiver.metrics.CallbacksRejected.Add(1, new(PipelineMetrics.KindTag, kind), new(PipelineMetrics.ReasonTag, reason));
            receiver.logger.CallbackRejected(new CallerText(providerId), reason);
            return result;
        }
    }
}
