using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Accounts;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Postgres;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Storage.Stats;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
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
        services.AddOptions<CountingOptions>().BindConfiguration(CountingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConnectionOptions>()
            .Configure<IConfiguration>((o, config) =>
            {
                o.Redis = config.GetConnectionString("redis");
                o.Postgres = config.GetConnectionString("postgres");
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var redis = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<ConnectionOptions>>().Value.Redis!);
            redis.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(redis);
        });
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
        services.AddSingleton<QueueDepth>();
        services.AddHostedService<QueueMonitor>();
        services.AddSingleton<QueueSignal>();
        services.AddSingleton<IEventQueue, RedisStreamQueue>();
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<CounterStore>();
        services.AddSingleton<FlushStore>();
        services.AddSingleton<ProviderDataCleaner>();
        services.AddSingleton<Recounter>();
        services.AddSingleton<StatsReader>();
        return builder;
    }
}
