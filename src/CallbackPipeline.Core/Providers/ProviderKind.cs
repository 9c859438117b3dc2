namespace CallbackPipeline.Core.Providers;

/// <summary>The provider formats the receiver understands (docs/providers.md).</summary>
public enum ProviderKind
{
    Generic,
    Twilio,
    Vonage,
    Plivo,
    Infobip,
    Telnyx,
}
