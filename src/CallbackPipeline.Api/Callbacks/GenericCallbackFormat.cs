using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>
/// CleverTap's Generic SMS callback: URL token, plus Standard Webhooks headers (or their <c>svix-</c> names) when the
/// provider has a signing secret.
/// </summary>
public sealed class GenericCallbackFormat(BatchCallbackAnswers answers) : ICallbackFormat
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
            var headers = request.Headers;
            var verdict = StandardWebhookSignature.Verify(
                secret, Header(headers, "svix-id", "webhook-id"), Header(headers, "svix-timestamp", "webhook-timestamp"),
                Header(headers, "svix-signature", "webhook-signature"), request.Body.Span, request.ReceivedAt);
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

    public IResult Success(ParsedCallback parsed) => answers.For(parsed);

    /// <summary>
    /// Senders built on Svix send the Standard Webhooks headers under <c>svix-</c> names; like Svix's own verifier, each
    /// is taken from its <c>svix-</c> name when present, else from its <c>webhook-</c> name.
    /// </summary>
    private static string? Header(IHeaderDictionary headers, string svix, string standard) =>
        headers.TryGetValue(svix, out var value) ? value.ToString() : headers[standard].ToString();
}
