using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>What every role gets: telemetry, health endpoints, problem details, and logging that never sees a URL's query.</summary>
public static class ServiceDefaults
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddTelemetry();
        builder.AddReadinessChecks();
        builder.Services.AddProblemDetails();
        // ASP.NET Core's request-start lines print the full URL, and callback URLs may carry a token.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealth();
        app.MapTelemetry();
        return app;
    }
}
