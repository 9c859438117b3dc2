using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Api.TestSms;

/// <summary>
/// Section <c>ProviderApis</c>: where each provider's send API lives (Infobip and generic providers carry their own URL
/// in their settings). Tests point these at a local server standing in for the provider.
/// </summary>
public sealed class ProviderApiOptions
{
    public const string Section = "ProviderApis";

    [Required, Url] public string TwilioBaseUrl { get; set; } = "https://api.twilio.com";

    [Required, Url] public string VonageBaseUrl { get; set; } = "https://rest.nexmo.com";

    [Required, Url] public string PlivoBaseUrl { get; set; } = "https://api.plivo.com";

    [Required, Url] public string TelnyxBaseUrl { get; set; } = "https://api.telnyx.com";

    /// <summary>How long one send may take. There are no retries: a retried send could deliver the SMS twice.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
