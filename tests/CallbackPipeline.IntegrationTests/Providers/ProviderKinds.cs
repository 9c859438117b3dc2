namespace CallbackPipeline.IntegrationTests.Providers;

/// <summary>Valid settings and secrets for every kind; every secret value contains "SECRET" so leaks are easy to find.</summary>
public static class ProviderKinds
{
    public static readonly string TelnyxPublicKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static (object Settings, object Secrets) Valid(string kind) => kind switch
    {
        "generic" => (new { sendUrl = "https://sms.example.test/send", sendMethod = "POST" }, new { signingSecret = "whsec_" + Convert.ToBase64String(new byte[32]), sendHeaders = new { authorization = "SECRET-generic-header" } }),
        "twilio" => (new { accountSid = "AC" + new string('a', 32), from = "+15005550006" }, new { authToken = "SECRET-twilio-auth-token" }),
        "vonage" => (new { apiKey = "abcd1234", from = "Acme" }, new { apiSecret = "SECRET-vonage-api-secret", signatureSecret = "SECRET-vonage-signature" }),
        "plivo" => (new { authId = "MAXXXXXXXXXXXXXXXXXX", from = "+14155550100" }, new { authToken = "SECRET-plivo-auth-token" }),
        "infobip" => (new { baseUrl = "https://api.infobip.example.test", from = "InfoSMS" }, new { apiKey = "SECRET-infobip-api-key" }),
        "telnyx" => (new { from = "+13125550100", publicKey = TelnyxPublicKey }, new { apiKey = "SECRET-telnyx-api-key" }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static readonly string[] Names = ["generic", "twilio", "vonage", "plivo", "infobip", "telnyx"];

    public static readonly TheoryData<string> All = new(Names);
}
