using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Core.Infobip;

/// <summary>Infobip delivery reports (docs/providers.md): <c>{"results": [...]}</c>, mapped on the status group.</summary>
public static class InfobipCallbackParser
{
    public static readonly StatusMap Groups = StatusMap.Of(
        ("PENDING", null),
        ("DELIVERED", EventKind.Delivered),
        ("UNDELIVERABLE", EventKind.Failed), ("EXPIRED", EventKind.Failed), ("REJECTED", EventKind.Failed));

    private static readonly string[] GroupNamesById = ["", "PENDING", "UNDELIVERABLE", "DELIVERED", "EXPIRED", "REJECTED"];

    public static ParsedCallback Parse(ReadOnlyMemory<byte> body)
    {
        using (var document = CallbackJson.Parse(body))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            {
                throw new CallbackFormatException("An Infobip report is an object with a \"results\" array.");
            }
            var builder = new ParsedCallbackBuilder();
            foreach (var result in results.EnumerateArray())
            {
                Read(result, builder);
            }
            if (builder.Build().Records == 0) throw new CallbackFormatException("The body carries no results.");
            return builder.Build();
        }
    }

    private static void Read(JsonElement result, ParsedCallbackBuilder builder)
    {
        if (result.ValueKind != JsonValueKind.Object
            || !result.TryGetProperty("messageId", out var id) || id.ValueKind != JsonValueKind.String
            || id.GetString() is not { Length: > 0 and <= Generic.GenericCallbackParser.MaxMessageIdLength } messageId)
        {
            builder.Reject("messageId is required");
            return;
        }
        if (!result.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
        {
            builder.Reject("status is required");
            return;
        }
        var error = result.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        builder.Add(Groups[GroupName(status)], messageId, null, DoneAt(result), to: Text(result, "to"),
            code: Text(error, "id"), description: Text(error, "description") ?? Text(error, "name"));
    }

    /// <summary>A member as text: a string as it is, a number as written; null when absent or of another type.</summary>
    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static string? GroupName(JsonElement status)
    {
        if (status.TryGetProperty("groupName", out var name) && name.ValueKind == JsonValueKind.String) return name.GetString();
        return status.TryGetProperty("groupId", out var group) && group.TryGetInt32(out var groupId) && groupId is > 0 and < 6
            ? GroupNamesById[groupId]
            : null;
    }

    /// <summary><c>doneAt</c>, e.g. <c>2019-04-09T16:01:56.494-0300</c>: the offset gets the colon ISO 8601 parsers expect.</summary>
    private static DateTimeOffset? DoneAt(JsonElement result) =>
        result.TryGetProperty("doneAt", out var doneAt) && doneAt.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(
            Regex.Replace(doneAt.GetString()!, @"([+-]\d{2})(\d{2})$", "$1:$2", RegexOptions.None, TimeSpan.FromMilliseconds(50)),
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : null;
}
