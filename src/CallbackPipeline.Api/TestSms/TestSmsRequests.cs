using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage.Providers;

namespace CallbackPipeline.Api.TestSms;

/// <summary>
/// One send request per kind, built from the stored settings and secrets, and how to read each provider's answer
/// (its message id, or its own error text).
/// </summary>
public static class TestSmsRequests
{
    public static HttpRequestMessage Build(ProviderRecord provider, ProviderApiOptions apis, string to, string body, string messageId)
    {
        string Setting(string name) => provider.Settings[name]?.GetValue<string>() ?? "";
        string Secret(string name) => provider.Secrets[name]?.GetValue<string>() ?? "";
        var digits = to.TrimStart('+');
        return provider.Kind switch
        {
            ProviderKind.Twilio => Post($"{apis.TwilioBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Setting("accountSid")}/Messages.json",
                Form(("To", to), ("Body", body), provider.Settings["messagingServiceSid"] is null ? ("From", Setting("from")) : ("MessagingServiceSid", Setting("messagingServiceSid")))
                , Basic(Setting("accountSid"), Secret("authToken"))),
            ProviderKind.Vonage => Post($"{apis.VonageBaseUrl.TrimEnd('/')}/sms/json",
                Form(("api_key", Setting("apiKey")), ("api_secret", Secret("apiSecret")), ("from", Setting("from")), ("to", digits), ("text", body)), null),
            ProviderKind.Plivo => Post($"{apis.PlivoBaseUrl.TrimEnd('/')}/v1/Account/{Setting("authId")}/Message/",
                Json(new JsonObject { ["src"] = Setting("from"), ["dst"] = digits, ["text"] = body }), Basic(Setting("authId"), Secret("authToken"))),
            ProviderKind.Infobip => Post($"{Setting("baseUrl").TrimEnd('/')}/sms/2/text/advanced",
                Json(new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["destinations"] = new JsonArray(new JsonObject { ["to"] = digits }), ["from"] = Setting("from"), ["text"] = body }) }),
                new AuthenticationHeaderValue("App", Secret("apiKey"))),
            ProviderKind.Telnyx => Post($"{apis.TelnyxBaseUrl.TrimEnd('/')}/v2/messages",
                Json(Telnyx(Setting("from"), to, body, provider.Settings["messagingProfileId"]?.GetValue<string>())), new AuthenticationHeaderValue("Bearer", Secret("apiKey"))),
            ProviderKind.Generic => GenericRequest(provider, to, body, messageId),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider.Kind, null),
        };
    }

    /// <summary>The provider's message id from a successful answer, or null with the provider's error.</summary>
    public static (string? Id, string? Error) Read(ProviderKind kind, bool success, string answer, string messageId)
    {
        JsonNode? json = null;
        try
        {
            json = answer.Length == 0 ? null : JsonNode.Parse(answer);
        }
        catch (JsonException)
        {
            // Not JSON: the raw text is the provider's error.
        }
        string? Text(params string[] path) => path.Aggregate(json, (node, step) => int.TryParse(step, out var i) ? (node as JsonArray)?.ElementAtOrDefault(i) : node?[step]) is JsonValue v ? v.ToString() : null;

        if (kind == ProviderKind.Generic) return success ? (messageId, null) : (null, answer.Length > 0 ? answer : "the provider answered without a body");
        if (kind == ProviderKind.Vonage && success && Text("messages", "0", "status") is { } status && status != "0")
        {
            return (null, Text("messages", "0", "error-text") ?? $"status {status}");
        }
        var id = kind switch
        {
            ProviderKind.Twilio => Text("sid"),
            ProviderKind.Vonage => Text("messages", "0", "message-id"),
            ProviderKind.Plivo => Text("message_uuid", "0"),
            ProviderKind.Infobip => Text("messages", "0", "messageId"),
            ProviderKind.Telnyx => Text("data", "id"),
            _ => null,
        };
        if (success && id is not null) return (id, null);
        var error = kind switch
        {
            ProviderKind.Twilio => Text("message"),
            ProviderKind.Vonage => Text("error-text") ?? Text("messages", "0", "error-text"),
            ProviderKind.Plivo => Text("error"),
            ProviderKind.Infobip => Text("requestError", "serviceException", "text"),
            ProviderKind.Telnyx => Text("errors", "0", "detail") ?? Text("errors", "0", "title"),
            _ => null,
        };
        return (null, error ?? (answer.Length > 0 ? answer : "the provider answered without a message id"));
    }

    private static HttpRequestMessage GenericRequest(ProviderRecord provider, string to, string body, string messageId)
    {
        var url = provider.Settings["sendUrl"]!.GetValue<string>();
        var method = provider.Settings["sendMethod"]?.GetValue<string>() == "GET" ? HttpMethod.Get : HttpMethod.Post;
        var template = provider.Settings["sendBodyTemplate"]?.GetValue<string>();
        var request = new HttpRequestMessage(method, Fill(url, to, body, messageId, Uri.EscapeDataString));
        if (method == HttpMethod.Post && template is not null)
        {
            var json = template.TrimStart().StartsWith('{') || template.TrimStart().StartsWith('[');
            request.Content = json
                ? new StringContent(Fill(template, to, body, messageId, JsonEscape), Encoding.UTF8, "application/json")
                : new StringContent(Fill(template, to, body, messageId, Uri.EscapeDataString), Encoding.UTF8, "application/x-www-form-urlencoded");
        }
        if (provider.Secrets["sendHeaders"] is JsonObject headers)
        {
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
        }
        return request;
    }

    private static string Fill(string template, string to, string body, string messageId, Func<string, string> escape) => template
        .Replace("$$To", escape(to), StringComparison.Ordinal)
        .Replace("$$Body", escape(body), StringComparison.Ordinal)
        .Replace("$$MessageID", escape(messageId), StringComparison.Ordinal);

    private static string JsonEscape(string value) => JsonSerializer.Serialize(value)[1..^1];

    private static JsonObject Telnyx(string from, string to, string body, string? profile)
    {
        var json = new JsonObject { ["from"] = from, ["to"] = to, ["text"] = body };
        if (profile is not null) json["messaging_profile_id"] = profile;
        return json;
    }

    private static HttpRequestMessage Post(string url, HttpContent content, AuthenticationHeaderValue? auth)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Authorization = auth;
        return request;
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
