using System.Globalization;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Redis;

/// <summary>The keys of one provider.</summary>
public readonly struct ProviderKeys(string tag)
{
    /// <summary>What every key of the provider starts with, hash tag included (count.lua builds its dedup keys from it).</summary>
    public string Prefix => $"{tag}:";

    /// <summary>Matches the provider's dedup buckets (count.lua): <c>m:&lt;generation&gt;:&lt;bucket&gt;</c>.</summary>
    public string DedupBuckets => $"{tag}:m:*";

    /// <summary>What a dedup bucket's key starts with, before its generation.</summary>
    public string DedupBucketPrefix => $"{tag}:m:";

    /// <summary>A day's failure codes with their first descriptions (count.lua's registry); it caps a day's codes.</summary>
    public string FailureCodesPrefix => $"{tag}:fc:";

    /// <summary>The days that have a failure-code registry, so deleting the provider finds them.</summary>
    public RedisKey FailureCodeDays => $"{tag}:fcdays";

    /// <summary>Unflushed counter deltas of one day.</summary>
    public RedisKey Day(DateOnly day) => CounterPrefix + DayText(day);

    /// <summary>The days with unflushed deltas.</summary>
    public RedisKey Dirty => $"{tag}:dirty";

    /// <summary>The flush batch being written to PostgreSQL.</summary>
    public RedisKey Batch => $"{tag}:batch";

    /// <summary>How many flush batches were ever cut; lets a stats read notice a flush that ran under it.</summary>
    public RedisKey BatchCount => $"{tag}:batches";

    /// <summary>Unix milliseconds of the oldest delta not yet cut into a flush batch.</summary>
    public RedisKey Since => $"{tag}:since";

    /// <summary>The traceparent of the latest apply with unflushed deltas.</summary>
    public RedisKey Trace => $"{tag}:trace";

    /// <summary>Set when the provider is deleted: nothing counts for it any more.</summary>
    public RedisKey Gone => $"{tag}:gone";

    public string CounterPrefix => $"{tag}:c:";

    public static string DayText(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
