using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Infobip;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>Infobip: batched JSON delivery reports, authenticated by the URL token.</summary>
public sealed class InfobipCallbackFormat(BatchCallbackAnswers answers) : ICallbackFormat
{
    public ProviderKind Kind => ProviderKind.Infobip;

    public CallbackRead Read(CallbackRequest request, CachedProvider provider)
    {
        if (!provider.Tokens.Matches(request.Query["token"], request.ReceivedAt)) return CallbackRead.Unauthorized("missing or wrong token");
        if (request.Method != HttpMethods.Post || !request.IsJson)
        {
            return CallbackRead.UnsupportedMediaType("application/json");
        }
        return CallbackRead.Ok(InfobipCallbackParser.Parse(request.Body));
    }

    public IResult Success(ParsedCallback parsed) => answers.For(parsed);
}
