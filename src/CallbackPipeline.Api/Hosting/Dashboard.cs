namespace CallbackPipeline.Api.Hosting;

/// <summary>
/// The stats page at <c>/</c>: static files from wwwroot (the chart library is vendored there, so no CDN), served with
/// a strict content security policy: only this origin's scripts, styles and API.
/// </summary>
public static class Dashboard
{
    private const string Policy = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/v1"))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = Policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            }
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }
}
