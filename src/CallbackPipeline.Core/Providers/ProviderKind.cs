namespace CallbackPipeline.Core.Providers;

/// <summary>The provider formats the receiver understands (api.md, "Provider kinds").</summary>
public enum ProviderKind
{
    Generic,
    Twilio,
    Vonage,
    Plivo,
    Infobip,
    Telnyx,
}
