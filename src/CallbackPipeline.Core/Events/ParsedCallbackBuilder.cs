namespace CallbackPipeline.Core.Events;

/// <summary>Collects what a provider format finds in a request, record by record.</summary>
public sealed class ParsedCallbackBuilder
{
    private readonly List<ParsedEvent> events = [];
    private readonly List<UnprocessedItem> unprocessed = [];
    private int records;
    private int ignored;
    private int unknown;

    public void Add(StatusMeaning meaning, string messageId, string? distinct, DateTimeOffset? time, string? to = null, string? code = null, string? description = null)
    {
        records++;
        if (meaning.Kind is { } kind)
        {
            var failed = kind == EventKind.Failed;
            events.Add(new ParsedEvent(kind, messageId, distinct, time) { To = to, Code = failed ? code : null, Description = failed ? description : null });
        }
        else ignored++;
        if (!meaning.Known) unknown++;
    }

    public void Reject(string error) => unprocessed.Add(new UnprocessedItem(records++, error));

    public ParsedCallback Build() => new(events, unprocessed, records, ignored) { UnknownStatuses = unknown };
}
