using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CallbackPipeline.UnitTests.Storage.ServiceBus;

/// <summary>The adapter against mocked SDK clients and the SDK's model factory, as the SDK's testing guidance shows.</summary>
public sealed class ServiceBusQueueTests : IAsyncDisposable
{
    private const string Trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private readonly Mock<ServiceBusClient> client = new();
    private readonly Mock<ServiceBusSender> sender = new();
    private readonly Mock<ServiceBusReceiver> receiver = new();
    private readonly Mock<ServiceBusReceiver> peeker = new();
    private readonly Mock<ServiceBusAdministrationClient> admin = new();
    private readonly List<List<ServiceBusMessage>> sentBatches = [];
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly QueueDepth depth = new();
    private readonly ServiceBusQueueOptions settings = new() { QueueName = "callbacks", MaxEventsPerMessage = 100 };
    private readonly QueueOptions queueSettings = new() { MaxDepth = 1000 };
    private int messagesPerBatch = int.MaxValue;
    private ServiceBusQueue? queue;

    public ServiceBusQueueTests()
    {
        client.Setup(c => c.CreateSender("callbacks")).Returns(sender.Object);
        client.Setup(c => c.CreateReceiver("callbacks", It.Is<ServiceBusReceiverOptions>(o => o.PrefetchCount > 0))).Returns(receiver.Object);
        client.Setup(c => c.CreateReceiver("callbacks", It.Is<ServiceBusReceiverOptions>(o => o.PrefetchCount == 0))).Returns(peeker.Object);
        sender.Setup(s => s.CreateMessageBatchAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() =>
        {
            var store = new List<ServiceBusMessage>();
            lock (sentBatches) sentBatches.Add(store);
            return ServiceBusModelFactory.ServiceBusMessageBatch(256 * 1024, store, tryAddCallback: _ => store.Count < messagesPerBatch);
        });
        sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    private ServiceBusQueue Queue => queue ??= new ServiceBusQueue(
        client.Object, admin.Object, Options.Create(settings), Options.Create(queueSettings), depth, clock);

    public async ValueTask DisposeAsync()
    {
        if (queue is not null) await queue.DisposeAsync();
    }

    private static CallbackEvent[] Events(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => new CallbackEvent("provider-1", EventKind.Delivered, $"{prefix}{i}", null, 1_700_000_000, new DateOnly(2026, 11, 27))).ToArray();

    private List<ServiceBusMessage> Sent => sentBatches.Where(b => b.Count > 0).SelectMany(b => b).ToList();

    [Fact]
    public async Task An_enqueue_sends_its_events_as_one_message_with_id_content_type_and_trace_context()
    {
        await Queue.EnqueueAsync(Events("m", 3), Trace, CancellationToken.None);

        var message = Assert.Single(Sent);
        Assert.Equal(["m0", "m1", "m2"], QueuePayload.TryRead(message.Body.ToArray())!.Select(e => e.MessageId));
        Assert.Equal(Trace, message.ApplicationProperties[ServiceBusQueue.TraceProperty]);
        Assert.Equal(3, message.ApplicationProperties["events"]);
        Assert.Equal(ServiceBusQueue.ContentType, message.ContentType);
        Assert.Matches("^[0-9a-f]{32}$", message.MessageId);
        sender.Verify(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Concurrent_enqueues_are_packed_into_fewer_messages_each_with_its_own_id()
    {
        var gate = new TaskCompletionSource();
        var sends = 0;
        sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                if (Interlocked.Increment(ref sends) == 1) await gate.Task;
            });
        settings.SendConcurrency = 1;

        var first = Queue.EnqueueAsync(Events("first", 1), null, CancellationToken.None);
        var rest = Enumerable.Range(0, 50).Select(i => Queue.EnqueueAsync(Events($"r{i}-", 4), null, CancellationToken.None)).ToList();
        gate.SetResult();
        await Task.WhenAll(rest.Append(first));

        var sent = Sent;
        Assert.Equal(201, sent.Sum(m => QueuePayload.TryRead(m.Body.ToArray())!.Count));
        Assert.True(sent.Count <= 4, $"{sent.Count} messages for 51 requests");
        Assert.Equal(sent.Count, sent.Select(m => m.MessageId).Distinct().Count());
        Assert.All(sent, m => Assert.InRange((int)m.ApplicationProperties["events"], 1, settings.MaxEventsPerMessage));
    }

    [Fact]
    public async Task Messages_that_do_not_fit_one_batch_go_in_the_next()
    {
        messagesPerBatch = 2;
        settings.MaxEventsPerMessage = 5;

        await Queue.EnqueueAsync(Events("m", 23), null, CancellationToken.None);

        Assert.Equal([2, 2, 1], sentBatches.Where(b => b.Count > 0).Select(b => b.Count));
        Assert.Equal(23, Sent.Sum(m => (int)m.ApplicationProperties["events"]));
    }

    [Fact]
    public async Task A_request_spread_over_batches_is_not_confirmed_when_a_later_batch_fails()
    {
        messagesPerBatch = 1;
        settings.MaxEventsPerMessage = 1;
        var sends = 0;
        sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
            .Returns(() => Interlocked.Increment(ref sends) == 2
                ? Task.FromException(new ServiceBusException("throttled", ServiceBusFailureReason.ServiceBusy))
                : Task.CompletedTask);

        await Assert.ThrowsAsync<QueueUnavailableException>(() => Queue.EnqueueAsync(Events("m", 3), null, CancellationToken.None));

        Assert.Equal(2, sends);
    }

    [Fact]
    public async Task A_send_the_broker_refuses_is_queue_unavailable_so_the_receiver_answers_503()
    {
        sender.Setup(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("namespace throttled", ServiceBusFailureReason.ServiceBusy));

        var failure = await Assert.ThrowsAsync<QueueUnavailableException>(() => Queue.EnqueueAsync(Events("m", 1), null, CancellationToken.None));

        Assert.IsType<ServiceBusException>(failure.InnerException);
    }

    [Fact]
    public async Task Over_the_depth_limit_nothing_is_sent()
    {
        depth.Report(1000);

        await Assert.ThrowsAsync<QueueUnavailableException>(() => Queue.EnqueueAsync(Events("m", 1), null, CancellationToken.None));

        sender.Verify(s => s.SendMessagesAsync(It.IsAny<ServiceBusMessageBatch>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    private static ServiceBusReceivedMessage Received(byte[] body, int deliveryCount, string? trace = null) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromBytes(body),
            messageId: Guid.NewGuid().ToString("N"),
            properties: trace is null ? new Dictionary<string, object>() : new Dictionary<string, object> { [ServiceBusQueue.TraceProperty] = trace },
            lockTokenGuid: Guid.NewGuid(),
            deliveryCount: deliveryCount,
            sequenceNumber: 42,
            enqueuedTime: new DateTimeOffset(2026, 11, 27, 11, 59, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_receive_takes_a_peek_locked_batch_and_reads_events_trace_and_delivery_count()
    {
        var good = Received(QueuePayload.Write(Events("m", 2)), deliveryCount: 3, Trace);
        var poison = Received("not a payload"u8.ToArray(), deliveryCount: 1);
        receiver.Setup(r => r.ReceiveMessagesAsync(50, settings.MaxWait, It.IsAny<CancellationToken>())).ReturnsAsync([good, poison]);

        var deliveries = await Queue.ReceiveAsync(50, CancellationToken.None);

        Assert.Equal(2, deliveries.Count);
        Assert.Equal(["m0", "m1"], deliveries[0].Events!.Select(e => e.MessageId));
        Assert.Equal(Trace, deliveries[0].TraceParent);
        Assert.Equal(3, deliveries[0].DeliveryCount);
        Assert.Same(good, deliveries[0].Handle);
        Assert.Null(deliveries[1].Events);
        client.Verify(c => c.CreateReceiver("callbacks", It.Is<ServiceBusReceiverOptions>(o => o.ReceiveMode == ServiceBusReceiveMode.PeekLock && o.PrefetchCount == settings.PrefetchCount)));
    }

    [Fact]
    public async Task Complete_and_dead_letter_settle_the_received_messages_and_nothing_else()
    {
        var messages = new[] { Received(QueuePayload.Write(Events("a", 1)), 1), Received(QueuePayload.Write(Events("b", 1)), 1), Received([1, 2], 11) };
        receiver.Setup(r => r.ReceiveMessagesAsync(10, settings.MaxWait, It.IsAny<CancellationToken>())).ReturnsAsync(messages);
        var deliveries = await Queue.ReceiveAsync(10, CancellationToken.None);

        await Queue.CompleteAsync([deliveries[0], deliveries[1]], CancellationToken.None);
        await Queue.DeadLetterAsync(deliveries[2], "payload is not a readable queue message", CancellationToken.None);

        receiver.Verify(r => r.CompleteMessageAsync(messages[0], It.IsAny<CancellationToken>()), Times.Once);
        receiver.Verify(r => r.CompleteMessageAsync(messages[1], It.IsAny<CancellationToken>()), Times.Once);
        receiver.Verify(r => r.DeadLetterMessageAsync(messages[2], "payload is not a readable queue message", It.Is<string>(d => d.Contains("11 deliveries")), It.IsAny<CancellationToken>()), Times.Once);
        receiver.Verify(r => r.ReceiveMessagesAsync(10, settings.MaxWait, It.IsAny<CancellationToken>()));
        receiver.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_lost_lock_is_not_an_error_because_the_redelivery_counts_nothing_twice()
    {
        var message = Received(QueuePayload.Write(Events("a", 1)), 1);
        receiver.Setup(r => r.ReceiveMessagesAsync(1, settings.MaxWait, It.IsAny<CancellationToken>())).ReturnsAsync([message]);
        receiver.Setup(r => r.CompleteMessageAsync(message, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("lock lost", ServiceBusFailureReason.MessageLockLost));
        var deliveries = await Queue.ReceiveAsync(1, CancellationToken.None);

        await Queue.CompleteAsync(deliveries, CancellationToken.None);

        receiver.Setup(r => r.CompleteMessageAsync(message, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("gone", ServiceBusFailureReason.ServiceCommunicationProblem));
        await Assert.ThrowsAsync<ServiceBusException>(() => Queue.CompleteAsync(deliveries, CancellationToken.None));
    }

    [Fact]
    public async Task Stats_come_from_the_runtime_properties_and_the_oldest_message_and_are_reused_until_the_refresh()
    {
        admin.Setup(a => a.GetQueueRuntimePropertiesAsync("callbacks", It.IsAny<CancellationToken>())).ReturnsAsync(Response.FromValue(
            ServiceBusModelFactory.QueueRuntimeProperties("callbacks", activeMessageCount: 7, scheduledMessageCount: 0, deadLetterMessageCount: 2,
                transferDeadLetterMessageCount: 0, transferMessageCount: 0, totalMessageCount: 9, sizeInBytes: 1000,
                createdAt: default, updatedAt: default, accessedAt: default),
            Mock.Of<Response>()));
        peeker.Setup(p => p.PeekMessageAsync(It.IsAny<long?>(), It.IsAny<CancellationToken>())).ReturnsAsync(Received([1], 1));

        var stats = await Queue.StatsAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));
        var again = await Queue.StatsAsync(CancellationToken.None);
        clock.Advance(settings.StatsRefresh);
        await Queue.StatsAsync(CancellationToken.None);

        Assert.Equal(new QueueStats(7, TimeSpan.FromMinutes(1), 2), stats);
        Assert.Equal(stats, again);
        admin.Verify(a => a.GetQueueRuntimePropertiesAsync("callbacks", It.IsAny<CancellationToken>()), Times.Exactly(2));
        receiver.VerifyNoOtherCalls();
    }
}
