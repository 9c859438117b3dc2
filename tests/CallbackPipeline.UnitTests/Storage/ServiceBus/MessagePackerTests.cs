using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;

namespace CallbackPipeline.UnitTests.Storage.ServiceBus;

public sealed class MessagePackerTests
{
    private static PendingEnqueue Request(int events, string name, string? trace = null) =>
        new(Enumerable.Range(0, events).Select(i => new CallbackEvent("provider-1", EventKind.Clicked, $"{name}-{i}", $"link-{i}", 1_700_000_000, new DateOnly(2026, 11, 27))).ToArray(), trace);

    private static List<string> Ids(PackedMessage message) => QueuePayload.TryRead(message.Body)!.Select(e => e.MessageId).ToList();

    [Fact]
    public void Requests_share_messages_up_to_the_event_limit_and_each_stays_whole()
    {
        var group = new[] { Request(3, "a"), Request(3, "b"), Request(3, "c"), Request(1, "d") };

        var messages = MessagePacker.Pack(group, maxEvents: 6, maxBytes: 1 << 20);

        Assert.Equal(2, messages.Count);
        Assert.Equal(["a-0", "a-1", "a-2", "b-0", "b-1", "b-2"], Ids(messages[0]));
        Assert.Equal(["c-0", "c-1", "c-2", "d-0"], Ids(messages[1]));
        Assert.Equal([group[0], group[1]], messages[0].Requests);
        Assert.Equal([group[2], group[3]], messages[1].Requests);
        Assert.Equal(6, messages[0].EventCount);
    }

    [Fact]
    public void A_request_larger_than_a_message_is_split_and_named_in_every_part()
    {
        var big = Request(25, "big");

        var messages = MessagePacker.Pack([Request(2, "x"), big], maxEvents: 10, maxBytes: 1 << 20);

        Assert.Equal(["x-0", "x-1"], Ids(messages[0]));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"big-{i}"), messages.Skip(1).SelectMany(Ids));
        Assert.All(messages.Skip(1), m => Assert.Contains(big, m.Requests));
        Assert.All(messages, m => Assert.InRange(m.EventCount, 1, 10));
    }

    [Fact]
    public void A_message_over_the_byte_limit_is_halved_until_every_part_fits()
    {
        var group = Enumerable.Range(0, 40).Select(i => Request(5, $"r{i}")).ToArray();

        var messages = MessagePacker.Pack(group, maxEvents: 500, maxBytes: 4096);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(m.Body.Length <= 4096, $"{m.Body.Length} bytes"));
        Assert.Equal(group.SelectMany(r => r.Events).Select(e => e.MessageId), messages.SelectMany(Ids));
        foreach (var message in messages)
        {
            var ids = Ids(message).ToHashSet();
            Assert.Equal(group.Where(r => r.Events.Any(e => ids.Contains(e.MessageId))), message.Requests);
        }
    }

    [Fact]
    public void A_message_carries_the_first_trace_context_among_its_requests()
    {
        const string trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var messages = MessagePacker.Pack([Request(1, "a"), Request(1, "b", trace), Request(1, "c", "00-other")], 10, 1 << 20);

        Assert.Equal(trace, Assert.Single(messages).TraceParent);
    }
}
