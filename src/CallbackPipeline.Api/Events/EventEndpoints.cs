using System.Globalization;
using System.Text.Json;
using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Hosting;
using CallbackPipeline.Api.Ingestion;
using CallbackPipeline.Api.TestSms;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.Core.Insights;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Events;

/// <summary>
/// <c>POST /v1/events</c>: the sending service's <c>sent</c> and <c>failed</c> events. All or nothing: one bad item
/// rejects the batch, with every offending item named by index.
/// </summary>
public static class EventEndpoints
{
    public const int MaxEvents = 1000;

    /// <summary>The <c>provider.kind</c> tag of the events this route queues.</summary>
    public const string Source = "events_api";

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v1/events").RequireAccountKey().MapPost("/", PostAsync);
        return routes;
    }

    private static async Task<IResult> PostAsync(
        HttpContext context, ProviderDirectory directory, EventIngestion ingestion, TimeProvider clock, IOptions<CallbacksOptions> options, CancellationToken ct)
    {
        var caller = Caller.From(context);
        if (!caller.IsAdmin) return ProviderEndpoints.AdminOnly();
        if (!RequestBody.IsJson(context.Request.ContentType)) return Problems.UnsupportedMediaType("application/json");
        if (await RequestBody.ReadAsync(context.Request, options.Value.MaxBodyBytes, ct) is not { } body) return Problems.TooLarge(options.Value.MaxBodyBytes);

        SentEventsRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body.Span, EventJsonContext.Default.SentEventsRequest);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest($"The body is not a valid events request: {e.Message}");
        }
        if (request?.Events is not { Length: > 0 and <= MaxEvents } items)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["events"] = [$"must be an array of 1 to {MaxEvents} events"] });
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            if (Check(items[i]) is { } problem) errors[Index(i)] = [problem];
        }
        if (errors.Count > 0) return Problems.Validation(errors);

        var providers = new Dictionary<string, CachedProvider?>(StringComparer.Ordinal);
        foreach (var id in items.Select(e => e.ProviderId!).Distinct(StringComparer.Ordinal))
        {
            var found = await directory.FindAsync(id, ct);
            providers[id] = found?.Record.AccountId == caller.AccountId ? found : null;
        }
        var missing = Offending(items, e => providers[e.ProviderId!] is null, "no such provider in this account");
        if (missing.Count > 0) return Problems.NotFound("Unknown providers; nothing was queued.", missing);
        var archived = Offending(items, e => e.Type == "sent" && providers[e.ProviderId!]!.Record.Archived, "the provider is archived: it takes no new sent events");
        if (archived.Count > 0) return Problems.Conflict("Sent events for archived providers; nothing was queued.", archived);

        var now = clock.GetUtcNow();
        var events = items.Select(e =>
        {
            var time = EventClock.Effective(e.Time, now);
            var kind = e.Type == "sent" ? EventKind.Sent : EventKind.Failed;
            return new CallbackEvent(e.ProviderId!, kind, e.MessageId!, null, time.ToUnixTimeSeconds(), EventClock.DayIn(time, providers[e.ProviderId!]!.Zone))
            {
                Code = kind == EventKind.Failed ? FailureCodes.Normalize(e.ErrorCodeText) : null,
                Country = e.DestinationCountry,
            };
        }).ToList();
        return await ingestion.QueueAsync(events, Source, ct) as IResult ?? TypedResults.Accepted((string?)null, new SentEventsAnswer(events.Count));
    }

    private static string? Check(SentEvent e) =>
        string.IsNullOrEmpty(e.ProviderId) ? "providerId is required"
        : e.MessageId is not { Length: > 0 and <= GenericCallbackParser.MaxMessageIdLength } ? $"messageId is required: 1 to {GenericCallbackParser.MaxMessageIdLength} characters"
        : e.Type is not ("sent" or "failed") ? "type must be sent or failed"
        : e.HasTimestamp && e.Time is null ? "timestamp must be RFC 3339 with its offset, e.g. 2026-11-27T10:15:00+05:30"
        : e.ErrorCode is { ValueKind: not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null) } ? "errorCode must be a string or a number"
        : e.Country is not null && !Countries.IsCountry(e.Country) ? $"country must be an ISO 3166-1 alpha-2 code in capitals, e.g. IN; got '{e.Country}'"
        : e.To is not null && !TestSmsEndpoints.IsPossibleE164(e.To) ? "to must be a possible phone number in E.164 form, e.g. +15005550006"
        : null;

    private static Dictionary<string, string[]> Offending(SentEvent[] items, Func<SentEvent, bool> test, string message)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            if (test(items[i])) errors[Index(i)] = [message];
        }
        return errors;
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
