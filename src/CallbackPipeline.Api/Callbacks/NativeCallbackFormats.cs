using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Infobip;
using CallbackPipeline.Core.Plivo;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Telnyx;
using CallbackPipeline.Core.Twilio;
using CallbackPipeline.Core.Vonage;

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

/// <summary>Vonage SMS API: GET query, POST form or POST JSON; <c>sig</c> when a signature secret is set, else the URL token.</summary>
public sealed class VonageCallbackFormat : ICallbackFormat
{
    public ProviderKind Kind => ProviderKind.Vonage;

    public CallbackRead Read(CallbackRequest request, CachedProvider provider)
    {
        FormFields fields;
        if (request.Method == HttpMethods.Get) fields = FormFields.From(request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString())));
        else if (request.IsForm) fields = FormFields.Parse(request.Body.Span);
        else if (request.IsJson) fields = VonageCallbackParser.FieldsFromJson(request.Body);
        else return CallbackRead.UnsupportedMediaType("application/json or application/x-www-form-urlencoded, or a GET query");

        var secrets = provider.Record.Secrets;
        if (secrets["signatureSecret"]?.GetValue<string>() is { } secret)
        {
            var method = provider.Record.Settings["signatureMethod"]?.GetValue<string>();
            if (!VonageSignature.IsValid(secret, method, fields)) return CallbackRead.Unauthorized("sig missing or wrong");
        }
        else if (!provider.Tokens.Matches(request.Query["token"], request.ReceivedAt))
        {
            return CallbackRead.Unauthorized("missing or wrong token");
        }
        return CallbackRead.Ok(VonageCallbackParser.Parse(fields.Without("token")));
    }

    public IResult Success(ParsedCallback parsed) => TypedResults.Ok();
}

/// <summary>Plivo: POST form or GET query, signed with <c>X-Plivo-Signature-V3</c> and its nonce.</summary>
public sealed class PlivoCallbackFormat : ICallbackFormat
{
    public ProviderKind Kind => ProviderKind.Plivo;

    public CallbackRead Read(CallbackRequest request, CachedProvider provider)
    {
        var isPost = request.Method == HttpMethods.Post;
        if (isPost && !request.IsForm) return CallbackRead.UnsupportedMediaType("application/x-www-form-urlencoded, or a GET query");
        var posted = isPost ? FormFields.Parse(request.Body.Span) : FormFields.Empty;
        var token = provider.Record.Secrets["authToken"]!.GetValue<string>();
        if (!PlivoSignature.IsValid(token, isPost, request.PublicUrl, posted, request.Headers["X-Plivo-Signature-V3-Nonce"], request.Headers["X-Plivo-Signature-V3"]))
        {
            return CallbackRead.Unauthorized("X-Plivo-Signature-V3 missing or wrong");
        }
        var fields = isPost ? posted : FormFields.From(request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString())));
        return CallbackRead.Ok(PlivoCallbackParser.Parse(fields));
    }

    public IResult Success(ParsedCallback parsed) => TypedResults.Ok();
}

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
