using CallbackPipeline.Api.Insights;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Stats;

namespace CallbackPipeline.Api.Stats;

/// <summary>One day of the line graphs.</summary>
public sealed record DayFigures(
    DateOnly Date, long Sent, long Delivered, long Failed, long Clicks, long Clicked, long Replies, decimal DeliveryRate, decimal Ctr);

/// <summary>The Stats tab of one provider (docs/api.md, <c>GET /v1/providers/{id}/stats</c>).</summary>
public sealed record ProviderStats(
    string ProviderId,
    DateOnly From,
    DateOnly To,
    int Days,
    string TimeZone,
    bool DeliveryCallbacks,
    DailyCounts Totals,
    decimal DeliveryRate,
    decimal Ctr,
    decimal DailyAvgSent,
    decimal DailyAvgDelivered,
    IReadOnlyList<DayFigures> Series,
    DateTimeOffset AsOf);

/// <summary>One provider's line in the account overview, with what compares providers: time to deliver, top failure.</summary>
public sealed record ProviderSummary(
    string ProviderId, string Name, string Kind, string Status, bool DeliveryCallbacks, DailyCounts Totals, decimal DeliveryRate, decimal Ctr,
    TimeToDeliver TimeToDeliver, CategoryFigure? TopFailure);

/// <summary>The account overview (docs/api.md, <c>GET /v1/stats</c>).</summary>
public sealed record AccountStats(
    DateOnly From,
    DateOnly To,
    int Days,
    string TimeZone,
    DailyCounts Totals,
    decimal DeliveryRate,
    decimal Ctr,
    IReadOnlyList<ProviderSummary> Providers,
    DateTimeOffset AsOf);
