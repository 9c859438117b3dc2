using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>What every role gets: telemetry, health endpoints, problem details, and logging that never sees a URL's query.</summary>
public static class ServiceDefaults
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ManagementOptions>().BindConfiguration(ManagementOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var management = builder.Configuration.GetSection(ManagementOptions.Section).Get<ManagementOptions>();
        if (management?.Port is { } port)
        {
            var urls = builder.Configuration["urls"] ?? "http://localhost:5000";
            builder.WebHost.UseUrls($"{urls};http://{management.Host}:{port}");
        }
        builder.AddConsoleLogs();
        builder.AddTelemetry();
        builder.Services.AddHealthChecks();
        // Problems the framework writes itself (an unmatched route, a wrong content type) get a detail like ours do.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context => context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => "No such route.",
            StatusCodes.Status405MethodNotAllowed => "This route does not take this method.",
            StatusCodes.Status415UnsupportedMediaType => "The body's content type is not one this route takes: application/json.",
            var status => ReasonPhrases.GetReasonPhrase(status ?? StatusCodes.Status500InternalServerError),
        });
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // ASP.NET Core's request-start lines print the full URL, and callback URLs may carry a token. Off entirely, not
        // at Warning: while this category is enabled at any level, hosting starts an Activity and a log scope for every
        // request even when no trace is exported (docs/observability.md); with tracing on, the Activity still starts.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (app.Services.GetRequiredService<IOptions<ManagementOptions>>().Value.Port is { } port)
        {
            // Each port serves its own routes: the management port health and metrics only, the public port everything
            // else and /healthz. Decided by the connection's local port, not the Host header, which a caller controls.
            app.Use((context, next) =>
            {
                var path = context.Request.Path;
                var operational = path.StartsWithSegments("/metrics") || path.StartsWithSegments("/readyz");
                var allowed = context.Connection.LocalPort == port ? operational || path.StartsWithSegments("/healthz") : !operational;
                if (allowed) return next(context);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        }
        app.MapHealth();
        app.MapTelemetry();
        return app;
    }
}
