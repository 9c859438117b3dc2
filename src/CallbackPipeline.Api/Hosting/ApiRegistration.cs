using CallbackPipeline.Api.Accounts;
using CallbackPipeline.Api.Admin;
using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Callbacks;
using CallbackPipeline.Api.Events;
using CallbackPipeline.Api.Ingestion;
using CallbackPipeline.Api.Insights;
using CallbackPipeline.Api.Outbound;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.Api.Stats;
using CallbackPipeline.Api.TestSms;
using CallbackPipeline.Core.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Polly;

namespace CallbackPipeline.Api.Hosting;

/// <summary>The receiver role's services and routes: callbacks, events, management, stats.</summary>
public static class ApiRegistration
{
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallbacksOptions>().BindConfiguration(CallbacksOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LoadOptions>().BindConfiguration(LoadOptions.Section).ValidateOnStart();
        // From the validated options, so a bad limit stops start-up naming its key instead of failing inside Kestrel.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<CallbacksOptions>>((k, callbacks) =>
        {
            var limits = callbacks.Value;
            k.Limits.MaxRequestBodySize = limits.MaxBodyBytes;
            k.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            k.Limits.MinRequestBodyDataRate = new(limits.MinBodyBytesPerSecond, limits.MinBodyRateGrace);
        });
        services.AddSingleton<AuthFailureThrottle>();
        services.AddOptions<StatsOptions>().BindConfiguration(StatsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProviderAnswers>();
        services.AddSingleton(sp => new StatsCache(TimeProvider.System, sp.GetRequiredService<IOptions<StatsOptions>>()));

        services.AddExceptionHandler<DependencyUnavailableExceptionHandler>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<ProviderDirectory>();
        services.AddSingleton<EventIngestion>();
        services.AddSingleton<CallbackReceiver>();
        services.AddSingleton<BatchCallbackAnswers>();
        services.AddSingleton<ICallbackFormat, GenericCallbackFormat>();
        services.AddSingleton<ICallbackFormat, TwilioCallbackFormat>();
        services.AddSingleton<ICallbackFormat, VonageCallbackFormat>();
        services.AddSingleton<ICallbackFormat, PlivoCallbackFormat>();
        services.AddSingleton<ICallbackFormat, InfobipCallbackFormat>();
        services.AddSingleton<ICallbackFormat, TelnyxCallbackFormat>();
        services.AddHealthChecks().AddCheck<QueueHealthCheck>("queue", tags: [HealthTags.Ready]);
        services.AddOptions<ProviderApiOptions>().BindConfiguration(ProviderApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TestSmsSender>();
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OutboundConnector>();
        services.AddHttpClient(TestSmsSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundConnector>().CreateHandler())
            .RemoveAllLoggers()
            .AddResilienceHandler("test-sms", (pipeline, context) =>
                pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<ProviderApiOptions>>().Value.Timeout));
        return builder;
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        app.UseKeyChecks();
        app.MapDashboard();
        app.MapOpenApiDocument();
        app.MapMe();
        app.MapCallbacks();
        app.MapEvents();
        app.MapAccounts();
        app.MapDeadLetters();
        app.MapRecount();
        app.MapProviders();
        app.MapStats();
        app.MapInsights();
        app.MapTestSms();
        app.MapBaselineIfEnabled();
        return app;
    }
}
