using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Telemetry;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>
/// <c>/v1/callbacks/{providerId}</c>: find the provider (404 first), refuse a source with too many recent 401s for it
/// (429), read the bounded body (413), let the kind's format authenticate and parse it (415, 401, 400), queue the
/// accepted events in one message (503 when the queue refuses), and only then answer 2xx. No counting and no database
/// write happen here.
/// </summary>
public static class CallbackEndpoints
{
    public static IEndpointRouteBuilder MapCallbacks(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1/callbacks/{providerId}", [HttpMethods.Post, HttpMethods.Get], ReceiveAsync)
            .DisableAntiforgery();
        StartSeriesAtZero(routes.ServiceProvider);
        return routes;
    }

    private static async Task<IResult> ReceiveAsync(string providerId, HttpContext context, CallbackReceiver receiver)
    {
        var callback = receiver.Start(providerId, context);
        return await callback.FindProviderAsync()
            ?? callback.CheckThrottle()
            ?? await callback.ReadBodyAsync()
            ?? callback.Read()
            ?? await callback.QueueAsync()
            ?? callback.Answer();
    }

    /// <summary>
    /// What a callback may leave uncounted or refuse starts at 0 for every kind and reason: a series that first appears
    /// with a nonzero value has no earlier sample, so an alert on its rate or increase would miss the first one.
    /// </summary>
    private static void StartSeriesAtZero(IServiceProvider services)
    {
        var metrics = services.GetRequiredService<PipelineMetrics>();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            var unknown = new KeyValuePair<string, object?>(PipelineMetrics.KindTag, "unknown");
            foreach (var reason in CallbackRejections.BeforeProvider) metrics.CallbacksRejected.Add(0, unknown, new(PipelineMetrics.ReasonTag, reason));
            foreach (var kind in Enum.GetValues<ProviderKind>())
            {
                var tag = new KeyValuePair<string, object?>(PipelineMetrics.KindTag, ProviderKindSpec.Name(kind));
                metrics.CallbacksAccepted.Add(0, tag);
                metrics.EventsIgnored.Add(0, tag);
                metrics.UnknownStatuses.Add(0, tag);
                foreach (var reason in CallbackRejections.OfProvider) metrics.CallbacksRejected.Add(0, tag, new(PipelineMetrics.ReasonTag, reason));
            }
        });
    }
}
