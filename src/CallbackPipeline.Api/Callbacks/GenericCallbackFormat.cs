using System.Text.Json;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.Core.Providers;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

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

/// <summary>The answer to a batch callback (docs/api.md): success, or partial with the records that were not used.</summary>
public sealed record BatchCallbackAnswer(string Status, int Processed, IReadOnlyList<UnprocessedItem> Unprocessed);

/// <summary>
/// Answers batch callbacks. Almost every callback is wholly valid and small, so its answer is one of a few: each is
/// serialized once, on first use, with the host's JSON options, instead of on every request.
/// </summary>
public sealed class BatchCallbackAnswers(IOptions<JsonOptions> options)
{
    /// <summary>Record counts up to this one get an answer serialized once.</summary>
    public const int MaxCachedRecords = 100;

    private readonly byte[]?[] successes = new byte[MaxCachedRecords + 1][];

    public IResult For(ParsedCallback parsed)
    {
        if (parsed.Unprocessed.Count > 0) return TypedResults.Ok(new BatchCallbackAnswer("partial", parsed.Processed, parsed.Unprocessed));
        if (parsed.Processed > MaxCachedRecords) return TypedResults.Ok(Success(parsed.Processed));
        var body = successes[parsed.Processed] ??= JsonSerializer.SerializeToUtf8Bytes(Success(parsed.Processed), options.Value.SerializerOptions);
        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    private static BatchCallbackAnswer Success(int processed) => new("success", processed, []);
}
