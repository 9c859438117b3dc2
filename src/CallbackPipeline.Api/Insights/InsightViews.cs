using CallbackPipeline.Core.Insights;

namespace CallbackPipeline.Api.Insights;

/// <summary>Why a provider's messages failed (docs/api.md, <c>GET /v1/providers/{id}/stats/failures</c>).</summary>
public sealed record FailureStats(
    string ProviderId, DateOnly From, DateOnly To, int Days, string TimeZone, long Failed,
    IReadOnlyList<CategoryFigure> Categories, IReadOnlyList<CodeFigure> Codes, DateTimeOffset AsOf);

/// <summary>One bucket of times to deliver: its upper bound in seconds (null: the open bucket) and its messages.</summary>
public sealed record LatencyBucket(long? Le, long Messages);

/// <summary>One day of times to deliver.</summary>
public sealed record LatencyDay(DateOnly Date, long Messages, long? P50, long? P90);

/// <summary>How fast a provider's messages were delivered (<c>GET /v1/providers/{id}/stats/latency</c>).</summary>
public sealed record LatencyStats(
    string ProviderId, DateOnly From, DateOnly To, int Days, string TimeZone, long Messages, long? P50, long? P90, long? P99,
    IReadOnlyList<LatencyBucket> Buckets, IReadOnlyList<LatencyDay> Series, DateTimeOffset AsOf);

/// <summary>Where a provider's messages went (<c>GET /v1/providers/{id}/stats/countries</c>).</summary>
public sealed record CountryStats(
    string ProviderId, DateOnly From, DateOnly To, int Days, string TimeZone, IReadOnlyList<CountryFigure> Countries, DateTimeOffset AsOf);

/// <summary>A provider's times to deliver in the overview.</summary>
public sealed record TimeToDeliver(long Messages, long? P50, long? P90);
