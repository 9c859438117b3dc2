using CallbackPipeline.Api.Providers;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>One provider kind's callbacks: how they are authenticated, parsed, and answered.</summary>
public interface ICallbackFormat
{
    ProviderKind Kind { get; }

    /// <summary>Authenticates and parses a request. Throws <see cref="CallbackFormatException"/> when it is not the format at all.</summary>
    CallbackRead Read(CallbackRequest request, CachedProvider provider);

    /// <summary>The success answer the provider expects, once the events are queued.</summary>
    IResult Success(ParsedCallback parsed);
}

/// <summary>The parts of a callback request that formats verify and parse: the raw body and the public URL, never the Host header.</summary>
public sealed record CallbackRequest(
    string Method,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    IQueryCollection Query,
    IHeaderDictionary Headers,
    PublicUrls Urls,
    string ProviderId,
    string QueryString,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The URL the provider called, which Twilio and Plivo sign; built only when a format reads it.</summary>
    public string PublicUrl => Urls.Callback(ProviderId) + QueryString;

    public bool IsJson => RequestBody.IsJson(ContentType);

    public bool IsForm => RequestBody.IsForm(ContentType);
}

/// <summary>Either the parsed callback, or why it was refused (status and a reason safe to log and return).</summary>
public sealed record CallbackRead(ParsedCallback? Parsed, int Status, string? Reason)
{
    public static CallbackRead Ok(ParsedCallback parsed) => new(parsed, StatusCodes.Status200OK, null);

    public static CallbackRead Unauthorized(string reason) => new(null, StatusCodes.Status401Unauthorized, reason);

    public static CallbackRead UnsupportedMediaType(string expected) => new(null, StatusCodes.Status415UnsupportedMediaType, expected);
}
