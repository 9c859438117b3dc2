using CallbackPipeline.Storage.Postgres;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Hosting;

/// <summary>Migrations, then the host; a configuration error ends start-up with a message naming the key.</summary>
public static class Startup
{
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CallbackPipeline.Startup");
        try
        {
            if (args.Contains("migrate") || app.Configuration.GetValue($"{DatabaseOptions.Section}:{nameof(DatabaseOptions.MigrateOnStart)}", true))
            {
                var applied = await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
                logger.Migrated(applied.Count);
            }
            if (args.Contains("migrate"))
            {
                // Only the explicit command creates the Service Bus queue: serving never changes the namespace.
                if (app.Services.GetRequiredService<IOptions<QueueOptions>>().Value.Transport == QueueTransports.ServiceBus
                    && await app.Services.GetRequiredService<ServiceBusProvisioner>().EnsureQueueAsync(CancellationToken.None))
                {
                    logger.QueueCreated(app.Services.GetRequiredService<IOptions<ServiceBusQueueOptions>>().Value.QueueName);
                }
                return 0;
            }
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"Configuration error: {string.Join("; ", e.Failures)}");
            return 2;
        }
    }
}
