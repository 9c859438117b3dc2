using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Events;
using CallbackPipeline.Api.Ingestion;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using PhoneNumbers;

namespace CallbackPipeline.Api.TestSms;

/// <summary>
/// "Send Test SMS" from the Edit settings dialog: <c>POST /v1/providers/{id}/test-sms {to, body}</c>. A message the
/// provider accepted is recorded as a sent message of that provider.
/// </summary>
public static class TestSmsEndpoints
{
    public const int MaxBodyLength = 1600;

    public static IEndpointRouteBuilder MapTestSms(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v1/providers").RequireAccountKey().MapPost("/{id}/test-sms", SendAsync);
        return routes;
    }

    private static async Task<Results<Ok<TestSmsResult>, ProblemHttpResult>> SendAsync(
        string id, TestSmsRequest request, HttpContext context, ProviderStore store, ProviderDirectory directory, TestSmsSender sender,
        EventIngestion ingestion, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(context);
        if (await store.GetAsync(caller.AccountId, id, ct) is not { } provider) return ProviderEndpoints.NoProvider();
        if (!caller.IsAdmin) return ProviderEndpoints.AdminOnly();
        if (provider.Archived) return Problems.Conflict("An archived provider sends no messages.");

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IsPossibleE164(request.To)) errors["to"] = ["must be a possible phone number in E.164 form, e.g. +15005550006"];
        if (request.Body is not { Length: > 0 and <= MaxBodyLength }) errors["body"] = [$"must be 1 to {MaxBodyLength} characters"];
        if (provider.Kind == ProviderKind.Generic && provider.Settings["sendUrl"] is null) errors["settings.sendUrl"] = ["is needed to send a test SMS"];
        if (errors.Count > 0) return Problems.Validation(errors);

        var result = await sender.SendAsync(provider, request.To!, request.Body!, ct);
        if (!result.Ok) return TypedResults.Ok(result);

        // The provider accepted it: count it as sent, as any other message of this provider.
        var zone = (await directory.FindAsync(id, ct))?.Zone ?? TimeZoneInfo.Utc;
        var now = clock.GetUtcNow();
        CallbackEvent[] sent = [new(id, EventKind.Sent, result.ProviderMessageId!, null, now.ToUnixTimeSeconds(), EventClock.DayIn(now, zone)) { Country = Countries.OfNumber(request.To) }];
        var refused = await ingestion.QueueAsync(sent, EventEndpoints.Source, ct);
        return TypedResults.Ok(result with { Recorded = refused is null });
    }

    public static bool IsPossibleE164(string? number)
    {
        if (number is not { Length: >= 8 and <= 16 } || number[0] != '+' || !number.Skip(1).All(char.IsAsciiDigit)) return false;
        try
        {
            return PhoneNumberUtil.GetInstance().IsPossibleNumber(PhoneNumberUtil.GetInstance().Parse(number, null));
        }
        catch (NumberParseException)
        {
            return false;
        }
    }
}

public sealed record TestSmsRequest(string? To, string? Body);
