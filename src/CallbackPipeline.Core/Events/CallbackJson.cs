using System.Text.Json;

namespace CallbackPipeline.Core.Events;

/// <summary>
/// Parses a JSON callback body, turning malformed JSON into the format error the receiver answers 400 to; reads the
/// members the formats share a rule for.
/// </summary>
public static class CallbackJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        // The reader does not check the bytes inside strings; they are decoded only when read, where invalid UTF-8
        // would throw InvalidOperationException (a 500) deep in a parser. JSON is UTF-8 (RFC 8259): check it once here.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span)) throw new CallbackFormatException("The body is not valid JSON: it is not valid UTF-8.");
        try
        {
            return JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            throw new CallbackFormatException($"The body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// A member that holds a code, as text: a string as it is, a number as written (providers send <c>"901"</c> and
    /// <c>901</c> alike); null when <paramref name="element"/> is not an object, or the member is absent or of another type.
    /// </summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
