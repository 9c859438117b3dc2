using System.Collections.Concurrent;

namespace CallbackPipeline.Load;

/// <summary>Every event the pipeline answered 2xx for, once each, and those whose request got no answer.</summary>
public sealed class Ledger
{
    private readonly ConcurrentDictionary<EventKey, byte> accepted = new();
    private readonly ConcurrentDictionary<EventKey, byte> uncertain = new();

    public void Accept(EventKey[] events)
    {
        foreach (var e in events) accepted.TryAdd(e, 0);
    }

    public void Uncertain(EventKey[] events)
    {
        foreach (var e in events) uncertain.TryAdd(e, 0);
    }

    /// <summary>Per provider and counter: how many must be counted, and how many more may be.</summary>
    public Dictionary<(string ProviderId, string Counter), (long Expected, long Maybe)> Expectations()
    {
        var result = new Dictionary<(string, string), (long, long)>();
        foreach (var key in accepted.Keys)
        {
            var k = (key.ProviderId, key.Counter);
            var (e, m) = result.GetValueOrDefault(k);
            result[k] = (e + 1, m);
        }
        foreach (var key in uncertain.Keys.Where(k => !accepted.ContainsKey(k)))
        {
            var k = (key.ProviderId, key.Counter);
            var (e, m) = result.GetValueOrDefault(k);
            result[k] = (e, m + 1);
        }
        return result;
    }
}
