using System.Globalization;

namespace CallbackPipeline.Core.Insights;

/// <summary>
/// One provider's insight tallies of one day, as the counting script keeps them beside the counters (fields
/// <c>f:&lt;code&gt;</c>, <c>n:&lt;country index&gt;:s|d|f</c>, <c>l:&lt;bucket&gt;</c>) and PostgreSQL keeps them in
/// rows: failed messages by code (with the first description seen), sent, delivered and failed by country, and times
/// to deliver by bucket.
/// </summary>
public sealed class DayInsights
{
    public const string FailurePrefix = "f:";
    public const string CountryPrefix = "n:";
    public const string LatencyPrefix = "l:";
    public const string DescriptionPrefix = "e:";

    public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Descriptions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CountryCounts> Countries { get; } = new(StringComparer.Ordinal);

    public long[] Latency { get; } = new long[LatencyBuckets.Count];

    public bool IsEmpty => Failures.Count == 0 && Countries.Count == 0 && Latency.All(n => n == 0);

    /// <summary>Adds a tally field of the counting script; false when the field is not one (a counter, say).</summary>
    public bool Add(string field, long value)
    {
        if (field.StartsWith(FailurePrefix, StringComparison.Ordinal))
        {
            AddFailure(field[FailurePrefix.Length..], value);
            return true;
        }
        if (field.StartsWith(CountryPrefix, StringComparison.Ordinal) && field.Length > 4 && field[^2] == ':'
            && int.TryParse(field.AsSpan(CountryPrefix.Length, field.Length - CountryPrefix.Length - 2), CultureInfo.InvariantCulture, out var index))
        {
            AddCountry(Insights.Countries.Code(index), field[^1] switch
            {
                's' => new CountryCounts(value, 0, 0),
                'd' => new CountryCounts(0, value, 0),
                _ => new CountryCounts(0, 0, value),
            });
            return true;
        }
        if (field.StartsWith(LatencyPrefix, StringComparison.Ordinal)
            && int.TryParse(field.AsSpan(LatencyPrefix.Length), CultureInfo.InvariantCulture, out var bucket) && bucket >= 0 && bucket < Latency.Length)
        {
            Latency[bucket] += value;
            return true;
        }
        return false;
    }

    public void AddFailure(string code, long failed) => Failures[code] = Failures.GetValueOrDefault(code) + failed;

    /// <summary>
    /// Adds to a country's counts. A country whose counts net to nothing is dropped: a delivery counted under
    /// <c>unknown</c> before its sent event and then moved to the sent event's country leaves nothing there.
    /// </summary>
    public void AddCountry(string country, CountryCounts counts)
    {
        var sum = Countries.GetValueOrDefault(country) + counts;
        if (sum == default) Countries.Remove(country);
        else Countries[country] = sum;
    }

    /// <summary>Keeps a code's first description: one already known stays.</summary>
    public void Describe(string code, string? description)
    {
        if (!string.IsNullOrEmpty(description)) Descriptions.TryAdd(code, description);
    }

    public void Merge(DayInsights other)
    {
        foreach (var (code, failed) in other.Failures) AddFailure(code, failed);
        foreach (var (code, description) in other.Descriptions) Describe(code, description);
        foreach (var (country, counts) in other.Countries) AddCountry(country, counts);
        for (var i = 0; i < Latency.Length; i++) Latency[i] += other.Latency[i];
    }
}

/// <summary>Sent, delivered and failed messages of one destination country.</summary>
public readonly record struct CountryCounts(long Sent, long Delivered, long Failed)
{
    public static CountryCounts operator +(CountryCounts a, CountryCounts b) => new(a.Sent + b.Sent, a.Delivered + b.Delivered, a.Failed + b.Failed);
}
