using System.Text.Json;

namespace CallbackPipeline.Core.Events;

/// <summary>Parses a JSON callback body, turning malformed JSON into the format error the receiver answers 400 to.</summary>
public static class CallbackJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
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
