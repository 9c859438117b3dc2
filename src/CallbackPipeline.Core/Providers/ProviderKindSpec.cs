using System.Text.Json.Nodes;

namespace CallbackPipeline.Core.Providers;

/// <summary>
/// What a provider kind needs: the settings and secrets its callbacks are verified with and its send API
/// calls with (docs/api.md, "Providers").
/// </summary>
public sealed class ProviderKindSpec
{
    public const string CallbackToken = "callbackToken";

    private ProviderKindSpec(
        ProviderKind kind, FieldSpec[] settings, FieldSpec[] secrets, string[][]? oneOfSettings = null, (string Url, string[] Secrets)? secretsGoTo = null)
    {
        Kind = kind;
        Settings = settings;
        Secrets = secrets;
        OneOfSettings = oneOfSettings ?? [];
        SecretsGoTo = secretsGoTo;
    }

    public ProviderKind Kind { get; }

    public IReadOnlyList<FieldSpec> Settings { get; }

    public IReadOnlyList<FieldSpec> Secrets { get; }

    /// <summary>Groups of settings of which at least one must be present (Twilio's <c>from</c> or <c>messagingServiceSid</c>).</summary>
    public IReadOnlyList<string[]> OneOfSettings { get; }

    /// <summary>
    /// The setting whose URL a send (Send Test SMS) goes to, when a provider sets it rather than the host's
    /// configuration, and the secrets that go there with it: an edit that points the URL at another host must give them
    /// again, or whoever sets the URL could have the stored secrets sent to a host of their choosing.
    /// </summary>
    public (string Url, string[] Secrets)? SecretsGoTo { get; }

    /// <summary>Whether this kind carries a generated URL token.</summary>
    public bool HasCallbackToken => Secrets.Any(s => s.Name == CallbackToken);

    /// <summary>Whether callbacks of a provider with these secrets are authenticated by the URL token.</summary>
    public bool IsTokenAuthenticated(JsonObject secrets) => Kind switch
    {
        ProviderKind.Generic or ProviderKind.Infobip => true,
        ProviderKind.Vonage => secrets["signatureSecret"] is null,
        _ => false,
    };

    public static ProviderKindSpec For(ProviderKind kind) => All[kind];

    public static bool TryParse(string? name, out ProviderKind kind)
    {
        kind = default;
        return name is not null
            && name.All(char.IsAsciiLetterLower)
            && Enum.TryParse(name, ignoreCase: true, out kind);
    }

    public static string Name(ProviderKind kind) => kind.ToString().ToLowerInvariant();

    private static readonly FieldSpec Token = new(CallbackToken, false, node =>
        FieldChecks.Pattern(node, "^[A-Za-z0-9_-]{24,128}$", "24 to 128 URL-safe characters"));

    private static readonly Dictionary<ProviderKind, ProviderKindSpec> All = new()
    {
        [ProviderKind.Generic] = new(ProviderKind.Generic,
            [
                FieldSpec.HttpUrl("sendUrl"),
                FieldSpec.OneOf("sendMethod", "GET", "POST"),
                FieldSpec.Text("sendBodyTemplate", maxLength: 10_000),
            ],
            [Token, new("signingSecret", false, FieldChecks.StandardWebhooksSecret), new("sendHeaders", false, FieldChecks.StringMap)],
            secretsGoTo: ("sendUrl", ["sendHeaders"])),
        [ProviderKind.Twilio] = new(ProviderKind.Twilio,
            [
                FieldSpec.Pattern("accountSid", "^AC[0-9a-fA-F]{32}$", "AC followed by 32 hex digits", required: true),
                FieldSpec.Text("from", maxLength: 32),
                FieldSpec.Pattern("messagingServiceSid", "^MG[0-9a-fA-F]{32}$", "MG followed by 32 hex digits"),
            ],
            [FieldSpec.Text("authToken", required: true, maxLength: 200)],
            [["from", "messagingServiceSid"]]),
        [ProviderKind.Vonage] = new(ProviderKind.Vonage,
            [
                FieldSpec.Text("apiKey", required: true, maxLength: 64),
                FieldSpec.Text("from", required: true, maxLength: 32),
                FieldSpec.OneOf("signatureMethod", Vonage.VonageSignature.Methods),
            ],
            [FieldSpec.Text("apiSecret", required: true, maxLength: 200), FieldSpec.Text("signatureSecret", maxLength: 200), Token]),
        [ProviderKind.Plivo] = new(ProviderKind.Plivo,
            [FieldSpec.Text("authId", required: true, maxLength: 64), FieldSpec.Text("from", required: true, maxLength: 32)],
            [FieldSpec.Text("authToken", required: true, maxLength: 200)]),
        [ProviderKind.Infobip] = new(ProviderKind.Infobip,
            [FieldSpec.HttpUrl("baseUrl", required: true), FieldSpec.Text("from", required: true, maxLength: 32)],
            [FieldSpec.Text("apiKey", required: true, maxLength: 200), Token],
            secretsGoTo: ("baseUrl", ["apiKey"])),
        [ProviderKind.Telnyx] = new(ProviderKind.Telnyx,
            [
                FieldSpec.Text("from", required: true, maxLength: 32),
                new("publicKey", true, node => FieldChecks.Base64Bytes(node, 32)),
                FieldSpec.Text("messagingProfileId", maxLength: 64),
            ],
            [FieldSpec.Text("apiKey", required: true, maxLength: 200)]),
    };
}
