using Azure.Messaging.ServiceBus.Administration;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Storage.Queue.ServiceBus;

/// <summary>
/// Creates the queue when it is missing, as <c>migrate</c> creates the tables: duplicate detection on (so a resend of
/// a message that did arrive is dropped), a lock far longer than a batch takes, and Service Bus's own delivery limit
/// above ours, so the worker dead-letters a poison message first and with its reason. An existing queue is left as it is.
/// </summary>
public sealed class ServiceBusProvisioner(ServiceBusAdministrationClient admin, IOptions<ServiceBusQueueOptions> options, IOptions<QueueOptions> queueOptions)
{
    /// <summary>True when it created the queue.</summary>
    public async Task<bool> EnsureQueueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if ((await admin.QueueExistsAsync(settings.QueueName, cancellationToken)).Value) return false;
        await admin.CreateQueueAsync(Describe(settings, queueOptions.Value), cancellationToken);
        return true;
    }

    public static CreateQueueOptions Describe(ServiceBusQueueOptions settings, QueueOptions queue) => new(settings.QueueName)
    {
        RequiresDuplicateDetection = true,
        DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(10),
        LockDuration = settings.LockDuration,
        MaxDeliveryCount = (queue.MaxDeliveries * QueueOptions.CrashDeliveries) + 5,
        DeadLetteringOnMessageExpiration = true,
        DefaultMessageTimeToLive = TimeSpan.FromDays(14),
        EnableBatchedOperations = true,
    };
}
