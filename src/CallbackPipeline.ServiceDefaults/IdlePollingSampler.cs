using System.Diagnostics;
using OpenTelemetry.Trace;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>
/// Drops the spans of calls the host makes on its own, outside any request or applied batch: a Redis or PostgreSQL
/// call (a client span) with no parent is a worker polling the queue, the queue monitor reading its depth, or a flush
/// pass finding no work. Everything else is kept, and the same calls made inside a traced request, apply or flush
/// keep their spans, as children of it.
/// </summary>
public sealed class IdlePollingSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client && samplingParameters.ParentContext.TraceId == default ? Drop : Keep;
}
