using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>
/// CleverTap's Generic SMS callback (providers.md §1): URL token, plus Standard Webhooks headers when the provider
/// has a signing secret.
/// </summary>
public sealed class GenericCallbackFormat : ICallbackFormat
{
    public ProviderKind Kind => ProviderKind.Generic;

    public CallbackRead Read(CallbackRequest request, CachedProvider provider)
    {
        if (!provider.Tokens.Matches(request.Query["token"], request.ReceivedAt))
        {
            return CallbackRead.Unauthorized("missing or wrong token");
        }
        if (request.Method != HttpMethods.Post || !request.IsJson)
        {
            return CallbackRead.UnsupportedMediaType("application/json");
        }
        if (provider.Record.Secrets["signingSecret"]?.GetValue<string>() is { } secret)
        {
            var verdict = StandardWebhookSignature.Verify(
                secret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"],
                request.Body.Span, request.ReceivedAt);
            if (verdict != StandardWebhookSignature.Result.Valid)
            {
                return CallbackRead.Unauthorized(verdict switch
                {
                    StandardWebhookSignature.Result.MissingHeaders => "Standard Webhooks headers missing",
                    StandardWebhookSignature.Result.BadTimestamp => "webhook-timestamp outside the 5 minute window",
                    _ => "webhook-signature does not match",
                });
            }
        }
        return CallbackRead.Ok(GenericCallbackParser.Parse(request.Body));
    }

    public IResult Success(ParsedCallback parsed) => TypedResults.Ok(new BatchCallbackAnswer(
        parsed.Unprocessed.Count == 0 ? "success" : "partial",
        parsed.Processed,
        parsed.Unprocessed));
}

/// <summary>The answer to a batch callback (api.md): success, or partial with the records that were not used.</summary>
public sealed record BatchCallbackAnswer(string Status, int Processed, IReadOnlyList<UnprocessedItem> Unprocessed);
