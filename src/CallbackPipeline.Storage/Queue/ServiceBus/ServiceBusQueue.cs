using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using CallbackPipeline.Core.Events;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Storage.Queue.ServiceBus;

/// <summary>
/// The Azure Service Bus transport. Receivers coalesce concurrent requests (<see cref="EnqueueCoalescer"/>), pack their
/// events into as few messages as fit (<see cref="MessagePacker"/>) and send them as one <see cref="ServiceBusMessageBatch"/>,
/// because Service Bus prices and throttles per message. Workers receive in PeekLock batches with prefetch, complete a
/// message only after its events are applied, and dead-letter it with the reason when
/// it can never be applied; when applying fails it is left to its lock, which paces the next delivery. Lock loss is
/// harmless: a message delivered again counts nothing twice.
/// </summary>
public sealed class ServiceBusQueue : IEventQueue, IAsyncDisposable, IDisposable
{
    /// <summary>The application property holding the W3C trace context of the (first) request in a message.</summary>
    public const string TraceProperty = "traceparent";

    /// <summary>Marks a message body as the queue payload, version 1.</summary>
    public const string ContentType = "application/vnd.callbackpipeline.events+json; v=1";

    private readonly ServiceBusAdministrationClient admin;
    private readonly ServiceBusQueueOptions settings;
    private readonly QueueOptions queueSettings;
    private readonly QueueDepth depth;
    private readonly TimeProvider clock;
    private readonly Lazy<ServiceBusSender> sender;
    private readonly Lazy<ServiceBusReceiver> receiver;
    private readonly Lazy<ServiceBusReceiver> peeker;
    private readonly Lazy<EnqueueCoalescer> coalescer;
    private readonly SemaphoreSlim statsGate = new(1, 1);
    private (QueueStats Stats, DateTimeOffset At)? lastStats;

    public ServiceBusQueue(
        ServiceBusClient client,
        ServiceBusAdministrationClient admin,
        IOptions<ServiceBusQueueOptions> options,
        IOptions<QueueOptions> queueOptions,
        QueueDepth depth,
        TimeProvider clock)
    {
        (this.admin, this.depth, this.clock) = (admin, depth, clock);
        settings = options.Value;
        queueSettings = queueOptions.Value;
        sender = new(() => client.CreateSender(settings.QueueName));
        receiver = new(() => client.CreateReceiver(settings.QueueName,
            new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = settings.PrefetchCount }));
        // Peeking for the oldest message's age from a receiver without prefetch, so a receiver process never locks messages.
        peeker = new(() => client.CreateReceiver(settings.QueueName, new ServiceBusReceiverOptions { PrefetchCount = 0 }));
        coalescer = new(() => new EnqueueCoalescer(SendGroupAsync, settings.SendConcurrency, settings.MaxEventsPerMessage, settings.MaxWaitingRequests));
    }

    public Task EnqueueAsync(IReadOnlyList<CallbackEvent> events, string? traceParent, CancellationToken cancellationToken)
    {
        if (depth.Current >= queueSettings.MaxDepth)
        {
            throw new QueueUnavailableException("The queue is over its depth limit.");
        }
        // Not cancelled with the request: once handed over, the send finishes, and a request that went away is retried
        // by its provider and counted once.
        return coalescer.Value.EnqueueAsync(events, traceParent);
    }

    /// <summary>Sends one coalesced group; a request is complete once every message holding its events is sent.</summary>
    private async Task SendGroupAsync(IReadOnlyList<PendingEnqueue> group)
    {
        var messages = MessagePacker.Pack(group, settings.MaxEventsPerMessage, settings.MaxMessageBytes);
        var unsent = new Dictionary<PendingEnqueue, int>(ReferenceEqualityComparer.Instance);
        foreach (var request in messages.SelectMany(m => m.Requests)) unsent[request] = unsent.GetValueOrDefault(request) + 1;

        var next = 0;
        while (next < messages.Count)
        {
            using var batch = await sender.Value.CreateMessageBatchAsync();
            var first = next;
            while (next < messages.Count && batch.TryAddMessage(ToMessage(messages[next]))) next++;
            if (next == first)
            {
                throw new QueueUnavailableException($"A message of {messages[next].Body.Length} bytes does not fit in a Service Bus batch; lower Queue:ServiceBus:MaxMessageBytes.");
            }
            try
            {
                await sender.Value.SendMessagesAsync(batch);
            }
            catch (Exception e) when (e is ServiceBusException or TimeoutException)
            {
                throw new QueueUnavailableException("The queue cannot be reached.", e);
            }
            for (var i = first; i < next; i++)
            {
                foreach (var request in messages[i].Requests)
                {
                    if (--unsent[request] == 0) request.Complete();
                }
            }
        }
    }

    private static ServiceBusMessage ToMessage(PackedMessage packed)
    {
        var message = new ServiceBusMessage(packed.Body)
        {
            // A fresh id per message, kept across the SDK's own retries of this send, so a namespace with duplicate
            // detection drops a resend whose first attempt did arrive. (Without it the dedup records still count it once.)
            MessageId = Guid.NewGuid().ToString("N"),
            ContentType = ContentType,
        };
        message.ApplicationProperties["events"] = packed.EventCount;
        if (packed.TraceParent is not null) message.ApplicationProperties[TraceProperty] = packed.TraceParent;
        return message;
    }

    public async Task<IReadOnlyList<QueueDelivery>> ReceiveAsync(int max, CancellationToken cancellationToken)
    {
        var messages = await receiver.Value.ReceiveMessagesAsync(max, settings.MaxWait, cancellationToken);
        return messages.Select(ToDelivery).ToList();
    }

    private static QueueDelivery ToDelivery(ServiceBusReceivedMessage message)
    {
        var body = message.Body.ToMemory();
        var trace = message.ApplicationProperties.TryGetValue(TraceProperty, out var value) ? value as string : null;
        return new QueueDelivery($"{message.MessageId}@{message.SequenceNumber}", QueuePayload.TryRead(body.Span), trace, message.DeliveryCount, body)
        {
            Handle = message,
        };
    }

    public Task CompleteAsync(IReadOnlyList<QueueDelivery> deliveries, CancellationToken cancellationToken) =>
        SettleAsync(deliveries, m => receiver.Value.CompleteMessageAsync(m, cancellationToken));

    public Task DeadLetterAsync(QueueDelivery delivery, string reason, CancellationToken cancellationToken) =>
        SettleAsync([delivery], m => receiver.Value.DeadLetterMessageAsync(m, reason, $"dead-lettered by CallbackPipeline after {delivery.DeliveryCount} deliveries", cancellationToken));

    // Service Bus settles one message per call; the calls go out together. A lost lock means the message will be
    // delivered again, which the dedup records make harmless, so it is not an error here.
    private static async Task SettleAsync(IReadOnlyList<QueueDelivery> deliveries, Func<ServiceBusReceivedMessage, Task> settle)
    {
        await Task.WhenAll(deliveries.Select(async d =>
        {
            try
            {
                await settle(Received(d));
            }
            catch (ServiceBusException e) when (e.Reason == ServiceBusFailureReason.MessageLockLost)
            {
            }
        }));
    }

    private static ServiceBusReceivedMessage Received(QueueDelivery delivery) =>
        delivery.Handle as ServiceBusReceivedMessage
        ?? throw new ArgumentException($"Delivery {delivery.Id} was not received from Service Bus.", nameof(delivery));

    public async Task<long> DepthAsync(CancellationToken cancellationToken) => (await StatsAsync(cancellationToken)).Depth;

    public async Task<QueueStats> StatsAsync(CancellationToken cancellationToken)
    {
        await statsGate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            if (lastStats is { } last && now - last.At < settings.StatsRefresh) return last.Stats;

            var properties = (await admin.GetQueueRuntimePropertiesAsync(settings.QueueName, cancellationToken)).Value;
            var oldest = properties.ActiveMessageCount > 0 ? await peeker.Value.PeekMessageAsync(0, cancellationToken) : null;
            var age = oldest is null ? TimeSpan.Zero : now - oldest.EnqueuedTime;
            var stats = new QueueStats(properties.ActiveMessageCount, age < TimeSpan.Zero ? TimeSpan.Zero : age, properties.DeadLetterMessageCount);
            lastStats = (stats, now);
            return stats;
        }
        finally
        {
            statsGate.Release();
        }
    }

    /// <summary>Lets the sends in flight finish; the client itself is disposed by its owner.</summary>
    public async ValueTask DisposeAsync()
    {
        if (coalescer.IsValueCreated) await coalescer.Value.DisposeAsync();
    }

    public void Dispose()
    {
        if (coalescer.IsValueCreated) coalescer.Value.Dispose();
    }
}
