using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Vonage;

namespace CallbackPipeline.Api.Callbacks;

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
