using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Hosting;

/// <summary>
/// <c>POST /baseline</c>, only when <c>Load:BaselineEndpoint</c> is true: reads the body and answers 200, nothing
/// else. Measured with the same host settings and generator, it is the physical limit of the receiver (load/README.md).
/// </summary>
public static class BaselineEndpoint
{
    public static WebApplication MapBaselineIfEnabled(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<LoadOptions>>().Value.BaselineEndpoint)
        {
            app.MapPost("/baseline", async (HttpContext context, IOptions<CallbacksOptions> options) =>
                await RequestBody.ReadAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted) is null
                    ? Results.StatusCode(StatusCodes.Status413PayloadTooLarge)
                    : Results.Ok());
        }
        return app;
    }
}
