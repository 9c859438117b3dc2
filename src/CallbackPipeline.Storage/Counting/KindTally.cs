using System.Collections.Concurrent;
using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Counting;

/// <summary>What applying did to each event, by event kind: applied, duplicate or too late.</summary>
public sealed class KindTally
{
    private readonly ConcurrentDictionary<(EventKind Kind, char Outcome), long> counts = new();

    public void Add(EventKind kind, char outcome) => counts.AddOrUpdate((kind, outcome), 1, (_, n) => n + 1);

    public IEnumerable<(EventKind Kind, long Applied, long Duplicates, long TooLate)> Rows =>
        counts.Keys.Select(k => k.Kind).Distinct().Select(kind =>
            (kind, counts.GetValueOrDefault((kind, 'a')), counts.GetValueOrDefault((kind, 'd')), counts.GetValueOrDefault((kind, 'l'))));
}
