using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CallbackPipeline.Core.Providers;

/// <summary>The value checks provider settings and secrets are built from.</summary>
public static class FieldChecks
{
    public static string? Text(JsonNode node, int maxLength) =>
        AsString(node) switch
        {
            null => "must be a string",
            { Length: 0 } => "must not be empty",
            var s when s.Length > maxLength => $"must be at most {maxLength} characters",
            _ => null,
        };

    public static string? Pattern(JsonNode node, string regex, string meaning) =>
        AsString(node) is { } s && Regex.IsMatch(s, regex, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))
            ? null
            : $"must be {meaning}";

    public static string? OneOf(JsonNode node, string[] values) =>
        AsString(node) is { } s && values.Contains(s, StringComparer.Ordinal)
            ? null
            : $"must be one of {string.Join(", ", values)}";

    public static string? HttpUrl(JsonNode node) =>
        AsString(node) is { } s && Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? null
            : "must be an absolute http or https URL";

    public static string? Base64Bytes(JsonNode node, int length) =>
        AsString(node) is { } s && TryBase64(s, out var bytes) && bytes.Length == length
            ? null
            : $"must be base64 of {length} bytes";

    public static string? StringMap(JsonNode node) =>
        node is JsonObject obj && obj.All(p => p.Value is not null && AsString(p.Value) is not null)
            ? null
            : "must be an object of string values";

    public static string? StandardWebhooksSecret(JsonNode node)
    {
        var s = AsString(node);
        if (s is null) return "must be a string";
        var raw = s.StartsWith("whsec_", StringComparison.Ordinal) ? s[6..] : s;
        return TryBase64(raw, out var key) && key.Length is >= 24 and <= 64
            ? null
            : "must be a Standard Webhooks secret (whsec_ followed by base64 of 24 to 64 bytes)";
    }

    public static string? AsString(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    private static bool TryBase64(string s, out byte[] bytes)
    {
        bytes = new byte[s.Length];
        if (Convert.TryFromBase64String(s, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        return false;
    }
}
