using System.Text.Json;

namespace CallbackPipeline.Core.Events;

/// <summary>Parses a JSON callback body, turning malformed JSON into the format error the receiver answers 400 to.</summary>
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
}
