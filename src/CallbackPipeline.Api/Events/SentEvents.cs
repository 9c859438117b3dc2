using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CallbackPipeline.Api.Events;

public sealed record SentEventsRequest(SentEvent[]? Events);

/// <param name="ProviderId">The provider the message was sent through.</param>
/// <param name="MessageId">The provider's own message id, the one its callbacks carry.</param>
/// <param name="Type"><c>sent</c>, or <c>failed</c> for a submit error.</param>
/// <param name="Timestamp">When it happened, RFC 3339 with its offset; the accept time when omitted.</param>
/// <param name="ErrorCode">For <c>failed</c>: the provider's error code (a string or a number), counted with the failure.</param>
/// <param name="To">The destination number in E.164 form; its country is the message's.</param>
/// <param name="Country">The destination country, ISO 3166-1 alpha-2; wins over <paramref name="To"/>.</param>
public sealed partial record SentEvent(string? ProviderId, string? MessageId, string? Type, JsonElement? Timestamp, JsonElement? ErrorCode, string? To = null, string? Country = null)
{
    /// <summary>Whether a timestamp is given (not absent, not null).</summary>
    public bool HasTimestamp => Timestamp is { ValueKind: not JsonValueKind.Null };

    /// <summary>
    /// The timestamp, or null when there is none or it is not RFC 3339 with an offset (<c>Z</c> or <c>±hh:mm</c>): a time
    /// without one would count on a day that depends on where the host runs.
    /// </summary>
    public DateTimeOffset? Time =>
        Timestamp is { ValueKind: JsonValueKind.String } text && text.GetString() is { } value && Rfc3339().IsMatch(value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    /// <summary>The error code as text, or null when there is none or it is neither a string nor a number.</summary>
    public string? ErrorCodeText => ErrorCode switch
    {
        { ValueKind: JsonValueKind.String } code => code.GetString(),
        { ValueKind: JsonValueKind.Number } code => code.GetRawText(),
        _ => null,
    };

    /// <summary>The destination country: <see cref="Country"/>, else the country of <see cref="To"/>.</summary>
    public string? DestinationCountry => Country ?? Core.Insights.Countries.OfNumber(To);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}

public sealed record SentEventsAnswer(int Accepted);

[JsonSerializable(typeof(SentEventsRequest))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class EventJsonContext : JsonSerializerContext;
