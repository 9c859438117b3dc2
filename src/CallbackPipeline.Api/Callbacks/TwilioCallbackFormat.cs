using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Twilio;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>Twilio: a signed form POST (<c>X-Twilio-Signature</c>), answered with empty TwiML.</summary>
public sealed class TwilioCallbackFormat : ICallbackFormat
{
    private const string EmptyTwiml = """<?xml version="1.0" encoding="UTF-8"?><Response/>""";

    public ProviderKind Kind => ProviderKind.Twilio;

    public CallbackRead Read(CallbackRequest request, CachedProvider provider)
    {
        if (request.Method != HttpMethods.Post || !request.IsForm) return CallbackRead.UnsupportedMediaType("application/x-www-form-urlencoded");
        var fields = FormFields.Parse(request.Body.Span);
        var token = provider.Record.Secrets["authToken"]!.GetValue<string>();
        return TwilioSignature.IsValid(token, request.PublicUrl, fields, request.Headers["X-Twilio-Signature"])
            ? CallbackRead.Ok(TwilioCallbackParser.Parse(fields))
            : CallbackRead.Unauthorized("X-Twilio-Signature missing or wrong");
    }

    public IResult Success(ParsedCallback parsed) => TypedResults.Text(EmptyTwiml, "application/xml");
}
