using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Telnyx;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>Telnyx: JSON signed with Ed25519 over <c>timestamp|body</c>, the timestamp within ±5 minutes.</summary>
public sealed class TelnyxCallbackFormat : ICallbackFormat
{
    public ProviderKind Kind => ProviderKind.Telnyx;

    public CallbackRead Read(CallbackRequest request, CachedProvider provider)
    {
        if (request.Method != HttpMethods.Post || !request.IsJson)
        {
            return CallbackRead.UnsupportedMediaType("application/json");
        }
        var key = provider.Record.Settings["publicKey"]!.GetValue<string>();
        return TelnyxSignature.Verify(key, request.Headers["telnyx-timestamp"], request.Headers["telnyx-signature-ed25519"], request.Body.Span, request.ReceivedAt) switch
        {
            TelnyxSignature.Result.Valid => CallbackRead.Ok(TelnyxCallbackParser.Parse(request.Body)),
            TelnyxSignature.Result.BadTimestamp => CallbackRead.Unauthorized("telnyx-timestamp outside the 5 minute window"),
            _ => CallbackRead.Unauthorized("telnyx-signature-ed25519 missing or wrong"),
        };
    }

    public IResult Success(ParsedCallback parsed) => TypedResults.Ok();
}
