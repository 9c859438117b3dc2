using CallbackPipeline.Core.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>
/// OpenTelemetry for every role: traces (ASP.NET Core, the pipeline's own spans, and what the stores add: Redis and
/// Npgsql) and metrics,
/// exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and as Prometheus text on <c>/metrics</c>.
/// </summary>
public static class Telemetry
{
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("callbackpipeline"))
            .WithMetrics(metrics => metrics
                .AddMeter(PipelineMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentationIfAvailable()
                .AddPrometheusExporter());
        if (!otlp) return builder;

        // Spans are only made when they go somewhere: a listener makes every request allocate and time an activity.
        // Children follow their parent's decision; roots are kept unless they are the host's own idle polling.
        otel.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new IdlePollingSampler()))
                .AddSource(PipelineMetrics.ActivitySourceName)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context => !IsProbe(context.Request.Path);
                    // Callback URLs may carry a secret token: no query string ever reaches a span.
                    o.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                }));
        otel.UseOtlpExporter();
        return builder;
    }

    public static WebApplication MapTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Probes and scrapes, which come every few seconds and say nothing a trace would.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");

    private static MeterProviderBuilder AddRuntimeInstrumentationIfAvailable(this MeterProviderBuilder metrics) =>
        metrics.AddMeter("System.Runtime");
}
