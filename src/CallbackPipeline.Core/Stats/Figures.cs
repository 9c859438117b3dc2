namespace CallbackPipeline.Core.Stats;

/// <summary>The stats page's formulas (docs/api.md, "Stats"). Every ratio with a zero denominator is 0.</summary>
public static class Figures
{
    public static decimal DeliveryRate(DailyCounts c, bool deliveryCallbacks) =>
        deliveryCallbacks ? Percent(c.Delivered, c.Sent) : 0m;

    public static decimal Ctr(DailyCounts c, bool deliveryCallbacks) =>
        Percent(c.Clicked, deliveryCallbacks ? c.Delivered : c.Sent);

    public static decimal DailyAverage(long total, int days) =>
        days <= 0 ? 0m : Round((decimal)total / days);

    public static decimal Percent(long numerator, long denominator) =>
        denominator == 0 ? 0m : Round(numerator * 100m / denominator);

    /// <summary>Half away from zero to two decimals, as docs/api.md says.</summary>
    public static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
