using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The whole pipeline with its queue on a live Azure Service Bus namespace, from <c>CALLBACKPIPELINE_TEST_SERVICEBUS</c>
/// (a connection string with Manage rights), on a queue of its own that it creates and deletes. Without the variable
/// nothing starts and <see cref="Unavailable"/> says why, for the tests to report themselves skipped.
/// </summary>
public sealed class ServiceBusPipelineApp : PipelineApp
{
    public const string Variable = "CALLBACKPIPELINE_TEST_SERVICEBUS";

    private static readonly string? ConnectionString = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public string QueueName { get; } = $"cbp-test-{Guid.NewGuid():N}";

    /// <summary>Why these tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => ConnectionString is null
        ? $"{Variable} is not set: the Service Bus emulator needs Docker, which these machines lack; set it to a namespace's connection string to run."
        : null;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Queue:Transport"] = "servicebus",
        ["ConnectionStrings:servicebus"] = ConnectionString,
        ["Queue:ServiceBus:QueueName"] = QueueName,
        ["Queue:ServiceBus:StatsRefresh"] = "00:00:01",
        ["Queue:ServiceBus:MaxWait"] = "00:00:00.200",
    };

    public override async Task InitializeAsync()
    {
        if (ConnectionString is null) return;
        var admin = new ServiceBusAdministrationClient(ConnectionString);
        await admin.CreateQueueAsync(ServiceBusProvisioner.Describe(new ServiceBusQueueOptions { QueueName = QueueName }, new QueueOptions()));
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (ConnectionString is null) return;
        await base.DisposeAsync();
        await new ServiceBusAdministrationClient(ConnectionString).DeleteQueueAsync(QueueName);
    }

    /// <summary>Puts bytes on the queue as a message, bypassing the receiver.</summary>
    public async Task SendRawAsync(byte[] body)
    {
        await using var client = new ServiceBusClient(ConnectionString);
        await using var sender = client.CreateSender(QueueName);
        await sender.SendMessageAsync(new ServiceBusMessage(body));
    }
}
