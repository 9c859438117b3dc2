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
        var error = ErrorOf(result);
        builder.Add(Groups[GroupName(status)], messageId, null, DoneAt(result), to: CallbackJson.Text(result, "to"),
            code: CallbackJson.Text(error, "id"), description: CallbackJson.Text(error, "description") ?? CallbackJson.Text(error, "name"));
    }

    /// <summary>
    /// The report's <c>error</c>, or <c>default</c> when it has none or it is Infobip's "no error" (group 0 <c>OK</c>,
    /// id 0 <c>NO_ERROR</c>), which rejected and expired reports often carry: such a failure has no code.
    /// </summary>
    private static JsonElement ErrorOf(JsonElement result)
    {
        if (!result.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return default;
        var none = CallbackJson.Text(error, "groupId") == "0" || CallbackJson.Text(error, "groupName") == "OK"
            || CallbackJson.Text(error, "id") == "0" || CallbackJson.Text(error, "name") == "NO_ERROR";
        return none ? default : error;
    }

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
