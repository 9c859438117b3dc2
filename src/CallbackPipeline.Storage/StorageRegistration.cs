using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Accounts;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Health;
using CallbackPipeline.Storage.Postgres;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Storage.Stats;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace CallbackPipeline.Storage;

/// <summary>Registers Redis, PostgreSQL and everything that talks to them.</summary>
public static class StorageRegistration
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ServiceBusQueueOptions>().BindConfiguration(ServiceBusQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CountingOptions>().BindConfiguration(CountingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.AddOptions<ConnectionOptions>()
            .Configure<IConfiguration>((o, config) =>
            {
                o.Redis = config.GetConnectionString("redis");
                o.Postgres = config.GetConnectionString("postgres");
                o.ServiceBus = config.GetConnectionString("servicebus");
            })
            .ValidateDataAnnotations()
            .Validate<IConfiguration>(
                (c, config) => config[$"{QueueOptions.Section}:{nameof(QueueOptions.Transport)}"] != QueueTransports.ServiceBus || !string.IsNullOrWhiteSpace(c.ServiceBus),
                "ConnectionStrings:servicebus is required when Queue:Transport is servicebus.")
            .ValidateOnStart();

        services.AddSingleton<IConnectionMultiplexer>(sp => RedisConnection.Connect(sp.GetRequiredService<IOptions<ConnectionOptions>>().Value.Redis!));
        services.AddSingleton<ReplicatedWrites>();
        services.AddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<ConnectionOptions>>().Value.Postgres!));
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();

        services.AddDataProtection().SetApplicationName("CallbackPipeline");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>())));

        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<ProviderStore>();
        services.AddSingleton<RedisEviction>();
        services.AddSingleton<RedisEvictionMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisEvictionMonitor>());
        services.AddSingleton<QueueDepth>();
        services.AddHostedService<QueueMonitor>();
        services.AddSingleton<QueueSignal>();
        services.AddServiceBus();
        // Chosen when first resolved, not while registering, so configuration added after this call still decides.
        services.AddSingleton<IEventQueue>(sp => sp.GetRequiredService<IOptions<QueueOptions>>().Value.Transport == QueueTransports.ServiceBus
            ? ActivatorUtilities.CreateInstance<ServiceBusQueue>(sp)
            : ActivatorUtilities.CreateInstance<RedisStreamQueue>(sp));
        services.AddSingleton<IDeadLetterStore>(sp => sp.GetRequiredService<IOptions<QueueOptions>>().Value.Transport == QueueTransports.ServiceBus
            ? ActivatorUtilities.CreateInstance<ServiceBusDeadLetterStore>(sp)
            : ActivatorUtilities.CreateInstance<RedisDeadLetterStore>(sp));
        services.AddSingleton<FlushIndex>();
        services.AddSingleton<CounterStore>();
        services.AddSingleton<FlushStore>();
        services.AddSingleton<ProviderDataCleaner>();
        services.AddSingleton<Recounter>();
        services.AddSingleton<StatsReader>();
        services.AddStorageHealthChecks();
        // Spans of the drivers' own calls, when the host traces at all (ServiceDefaults turns tracing on).
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddRedisInstrumentation().AddNpgsql()
            .ConfigureRedisInstrumentation((sp, redis) => sp.GetRequiredService<ReplicatedWrites>().Instrument(redis)));
        return builder;
    }

    // The clients connect on first use, so a deployment on Redis Streams never touches them.
    private static void AddServiceBus(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<ServiceBusQueueOptions>>().Value;
            return new ServiceBusClient(sp.GetRequiredService<IOptions<ConnectionOptions>>().Value.ServiceBus, new ServiceBusClientOptions
            {
                Identifier = $"callbackpipeline-{Environment.MachineName}-{Environment.ProcessId}",
                RetryOptions = new ServiceBusRetryOptions
                {
                    Mode = ServiceBusRetryMode.Exponential,
                    MaxRetries = settings.MaxRetries,
                    Delay = TimeSpan.FromMilliseconds(200),
                    MaxDelay = TimeSpan.FromSeconds(2),
                    TryTimeout = settings.TryTimeout,
                },
            });
        });
        services.AddSingleton(sp => new ServiceBusAdministrationClient(sp.GetRequiredService<IOptions<ConnectionOptions>>().Value.ServiceBus));
        services.AddSingleton<ServiceBusProvisioner>();
    }
}
