using System.Text.Json;
using System.Text.Json.Nodes;

namespace CallbackPipeline.Api;

/// <summary>
/// A bound <see cref="JsonNode"/> keeps the request's bytes and decodes its strings only when read, so invalid UTF-8
/// inside a string (an overlong or surrogate sequence the reader lets through) would throw later, deep in validation,
/// as a 500. Reading every name and string once at the boundary turns it into a 400.
/// </summary>
public static class JsonText
{
    public static bool IsReadable(JsonNode? node)
    {
        try
        {
            Touch(node);
            return true;
        }
        catch (InvalidOperationException e) when (e.InnerException is System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj) Touch(value);
                break;
            case JsonArray array:
                foreach (var item in array) Touch(item);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                value.GetValue<string>();
                break;
        }
    }
}
