namespace CallbackPipeline.Api.Stats;

/// <summary>Wires the routes that change an account's providers or time zone to <see cref="StatsCache.Forget"/>.</summary>
public static class StatsCacheRoutes
{
    /// <summary>After the route ran, forgets the stats answers of the account it changed.</summary>
    public static RouteHandlerBuilder ForgetsStats(this RouteHandlerBuilder route, Func<HttpContext, string> account) =>
        route.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            context.HttpContext.RequestServices.GetRequiredService<StatsCache>().Forget(account(context.HttpContext));
            return result;
        });

    /// <summary>The account of the caller's key.</summary>
    public static string CallerAccount(HttpContext context) => Auth.Caller.From(context).AccountId;
}
