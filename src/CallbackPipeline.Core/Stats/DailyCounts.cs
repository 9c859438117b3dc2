namespace CallbackPipeline.Core.Stats;

/// <summary>The six counters kept per provider per day.</summary>
public readonly record struct DailyCounts(long Sent, long Delivered, long Failed, long Clicks, long Clicked, long Replies)
{
    public static DailyCounts operator +(DailyCounts a, DailyCounts b) => new(
        a.Sent + b.Sent, a.Delivered + b.Delivered, a.Failed + b.Failed,
        a.Clicks + b.Clicks, a.Clicked + b.Clicked, a.Replies + b.Replies);

    public DailyCounts With(string field, long value) => field switch
    {
        "sent" => this with { Sent = Sent + value },
        "delivered" => this with { Delivered = Delivered + value },
        "failed" => this with { Failed = Failed + value },
        "clicks" => this with { Clicks = Clicks + value },
        "clicked" => this with { Clicked = Clicked + value },
        "replies" => this with { Replies = Replies + value },
        _ => this,
    };
}
