using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Plivo;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.Api.Callbacks;

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
