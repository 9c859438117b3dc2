using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

internal static class ServiceProviderConnections
{
    /// <summary>The PostgreSQL connection string the app under test uses.</summary>
    public static string GetConnectionString(this IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString("postgres")!;
}
