namespace CallbackPipeline.Api.Callbacks;

/// <summary>The <c>reason</c> tag of <c>callbacks.rejected</c>: every refusal of a callback, by cause.</summary>
public static class CallbackRejections
{
    public const string UnknownProvider = "unknown_provider";
    public const string Unavailable = "provider_lookup_unavailable";
    public const string Throttled = "throttled";
    public const string TooLarge = "too_large";
    public const string ContentType = "content_type";
    public const string Signature = "signature";
    public const string Parse = "parse";
    public const string QueueUnavailable = "queue_unavailable";

    /// <summary>The refusals that come before the provider (and so its kind) is known: tagged with kind <c>unknown</c>.</summary>
    public static readonly string[] BeforeProvider = [UnknownProvider, Unavailable];

    /// <summary>The refusals of a known provider, tagged with its kind.</summary>
    public static readonly string[] OfProvider = [Throttled, TooLarge, ContentType, Signature, Parse, QueueUnavailable];
}
