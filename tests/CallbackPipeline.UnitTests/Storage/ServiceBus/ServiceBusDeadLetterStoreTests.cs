using Azure.Messaging.ServiceBus;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;
using Microsoft.Extensions.Options;
using Moq;

namespace CallbackPipeline.UnitTests.Storage.ServiceBus;

public sealed class ServiceBusDeadLetterStoreTests
{
    private readonly Mock<ServiceBusClient> client = new();
    private readonly Mock<ServiceBusReceiver> deadLetters = new();
    private readonly Mock<IEventQueue> queue = new();
    private readonly ServiceBusDeadLetterStore store;

    public ServiceBusDeadLetterStoreTests()
    {
        client.Setup(c => c.CreateReceiver("callbacks", It.Is<ServiceBusReceiverOptions>(o => o.SubQueue == SubQueue.DeadLetter && o.ReceiveMode == ServiceBusReceiveMode.PeekLock)))
            .Returns(deadLetters.Object);
        store = new ServiceBusDeadLetterStore(client.Object, queue.Object, Options.Create(new ServiceBusQueueOptions()));
    }

    private static CallbackEvent[] Events(string prefix) =>
        [new("p1", EventKind.Delivered, $"{prefix}-1", null, 1_700_000_000, new DateOnly(2026, 11, 27)), new("p2", EventKind.Sent, $"{prefix}-2", null, 1_700_000_000, new DateOnly(2026, 11, 27))];

    private static ServiceBusReceivedMessage DeadLetter(long sequenceNumber, byte[] body, string reason = "payload is not a readable queue message") =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromBytes(body),
            messageId: $"m{sequenceNumber}",
            properties: new Dictionary<string, object> { ["DeadLetterReason"] = reason },
            lockTokenGuid: Guid.NewGuid(),
            sequenceNumber: sequenceNumber,
            enqueuedTime: new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Listing_peeks_the_subqueue_and_shows_id_reason_and_providers()
    {
        deadLetters.Setup(r => r.PeekMessagesAsync(10, 0, It.IsAny<CancellationToken>()))
            .ReturnsAsync([DeadLetter(7, QueuePayload.Write(Events("a")), "delivered 11 times without being applied"), DeadLetter(9, [1, 2, 3])]);

        var listed = await store.ListAsync(10, CancellationToken.None);

        Assert.Equal(["7", "9"], listed.Select(d => d.Id));
        Assert.Equal("delivered 11 times without being applied", listed[0].Reason);
        Assert.Equal(2, listed[0].Events);
        Assert.Equal(["p1", "p2"], listed[0].Providers!);
        Assert.Null(listed[1].Events);
        deadLetters.Verify(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task A_replay_queues_the_events_again_completes_that_message_and_gives_every_other_back()
    {
        var first = new[] { DeadLetter(1, QueuePayload.Write(Events("x"))), DeadLetter(2, QueuePayload.Write(Events("y"))) };
        var target = DeadLetter(3, QueuePayload.Write(Events("z")));
        var other = DeadLetter(4, QueuePayload.Write(Events("w")));
        deadLetters.SetupSequence(r => r.ReceiveMessagesAsync(100, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(first)
            .ReturnsAsync([target, other]);
        IReadOnlyList<CallbackEvent>? queued = null;
        queue.Setup(q => q.EnqueueAsync(It.IsAny<IReadOnlyList<CallbackEvent>>(), null, It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyList<CallbackEvent>, string?, CancellationToken>((e, _, _) => queued = e)
            .Returns(Task.CompletedTask);

        Assert.Equal(ReplayOutcome.Replayed, await store.ReplayAsync("3", _ => true, CancellationToken.None));

        Assert.Equal(["z-1", "z-2"], queued!.Select(e => e.MessageId));
        deadLetters.Verify(r => r.CompleteMessageAsync(target, It.IsAny<CancellationToken>()), Times.Once);
        foreach (var m in first.Append(other)) deadLetters.Verify(r => r.AbandonMessageAsync(m, null, It.IsAny<CancellationToken>()), Times.Once);
        deadLetters.Verify(r => r.AbandonMessageAsync(target, It.IsAny<IDictionary<string, object>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task When_queueing_again_fails_the_dead_letter_is_given_back_untouched()
    {
        var target = DeadLetter(3, QueuePayload.Write(Events("z")));
        deadLetters.Setup(r => r.ReceiveMessagesAsync(100, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>())).ReturnsAsync([target]);
        queue.Setup(q => q.EnqueueAsync(It.IsAny<IReadOnlyList<CallbackEvent>>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new QueueUnavailableException("full"));

        await Assert.ThrowsAsync<QueueUnavailableException>(() => store.ReplayAsync("3", _ => true, CancellationToken.None));

        deadLetters.Verify(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()), Times.Never);
        deadLetters.Verify(r => r.AbandonMessageAsync(target, null, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("5", ReplayOutcome.NotFound)]
    [InlineData("not-a-number", ReplayOutcome.NotFound)]
    [InlineData("9", ReplayOutcome.Unreadable)]
    public async Task A_missing_or_unreadable_dead_letter_is_not_replayed_and_stays(string id, ReplayOutcome outcome)
    {
        var unreadable = DeadLetter(9, [0xff, 0x00]);
        deadLetters.SetupSequence(r => r.ReceiveMessagesAsync(100, It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([unreadable])
            .ReturnsAsync([]);

        Assert.Equal(outcome, await store.ReplayAsync(id, _ => true, CancellationToken.None));

        queue.Verify(q => q.EnqueueAsync(It.IsAny<IReadOnlyList<CallbackEvent>>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Never);
        deadLetters.Verify(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()), Times.Never);
        if (id != "not-a-number") deadLetters.Verify(r => r.AbandonMessageAsync(unreadable, null, It.IsAny<CancellationToken>()), Times.Once);
    }
}
