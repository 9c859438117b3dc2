using CallbackPipeline.Storage.Postgres;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Hosting;

/// <summary>
/// The host built, its migrations, then the host run. A configuration error, found while the host is built or while it
/// starts, ends the process with exit code 2 and a message naming the key, never a stack trace.
/// </summary>
public static class Startup
{
    public static async Task<int> RunAsync(string[] args, Func<WebApplicationBuilder, WebApplication> build)
    {
        try
        {
            return await RunAsync(build(WebApplication.CreateBuilder(args)), args);
        }
        catch (Exception e) when (ConfigurationError(e) is { } message)
        {
            await Console.Error.WriteLineAsync($"Configuration error: {message}");
            return 2;
        }
    }

    /// <summary>Whether the command line is the <c>migrate</c> command: migrate (and create the Service Bus queue), then exit.</summary>
    public static bool Migrates(string[] args) => args.Contains("migrate");

    private static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        // Every section's validation, before the migrations touch anything.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CallbackPipeline.Startup");
        if (Migrates(args) || app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
        {
            var applied = await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
            logger.Migrated(applied.Count);
        }
        if (Migrates(args))
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

    /// <summary>
    /// What is wrong with the configuration, when <paramref name="exception"/> says: a value out of its range, a value
    /// the binder cannot convert (its message names the key), or a bad role.
    /// </summary>
    private static string? ConfigurationError(Exception exception) => exception switch
    {
        OptionsValidationException e => string.Join("; ", e.Failures),
        AggregateException e when e.InnerExceptions.Select(ConfigurationError).ToList() is var all && all.All(m => m is not null) => string.Join("; ", all),
        InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" } e => e.Message,
        InvalidRoleException e => e.Message,
        _ => null,
    };
}
