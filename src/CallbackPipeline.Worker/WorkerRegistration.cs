using CallbackPipeline.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CallbackPipeline.Worker;

/// <summary>Adds the worker role: the queue consumer, the flusher and their health check.</summary>
public static class WorkerRegistration
{
    public static IHostApplicationBuilder AddWorker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FlushOptions>().BindConfiguration(FlushOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WorkerState>();
        builder.Services.AddSingleton<BatchProcessor>();
        builder.Services.AddSingleton<FlushService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FlushService>());
        builder.Services.AddHostedService<QueueConsumer>();
        builder.Services.AddHealthChecks().AddCheck<WorkerHealthCheck>("worker", tags: [HealthTags.Ready]);
        return builder;
    }
}
