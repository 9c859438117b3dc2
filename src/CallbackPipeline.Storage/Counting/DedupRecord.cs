using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// The dedup records of an event (docs/architecture.md, "Dedup records"), their place and what their values hold;
/// count.lua writes and reads the same layout, and <c>DedupRecordTests</c> fails when the two drift.
/// </summary>
/// <remarks>
/// A record stands for one (message, event kind) or one distinct click or reply of a message. Its fingerprint is the
/// first <see cref="Length"/> bytes of SHA-256 over the message id and the record's name; 12 of them are its field.
/// Its bucket is chosen by 4 bytes of SHA-256 over the message id alone, so every record of a message is in the same
/// bucket and one lookup finds a record and its partner. Two records collide only when their message's bucket and all
/// 96 field bits match: the chance of any collision among n records of one provider is about n² / 2^97, far below the
/// bound the rules set. SHA-256 because reply texts and click URLs come from outside: nobody can aim a collision.
/// </remarks>
public static class DedupRecord
{
    /// <summary>Bytes of a fingerprint: 4 chose the bucket in the layout before insights, 12 are the hash field.</summary>
    public const int Length = 16;

    /// <summary>Bytes of the message's bucket selector.</summary>
    public const int SelectorLength = 4;

    /// <summary>The counter a record counts on, as its value's low 3 bits hold it (count.lua's <c>counters</c>).</summary>
    public static readonly string[] Counters = ["sent", "delivered", "failed", "clicked", "clicks", "replies"];

    /// <summary>
    /// Added to the counter of a delivered or failed record that was counted under no country because its message's
    /// sent event was not counted yet (codes 6 and 7, count.lua's <c>pending_offset</c>); counting the sent event moves
    /// the tally to its country and takes the offset off again.
    /// </summary>
    public const int CountryPendingOffset = 5;

    /// <summary>Bits of a sent record's value that hold its country, above the counter's 3 (count.lua's 256).</summary>
    public const int CountryBits = 8;

    /// <summary>Bits of the other records' values that hold the day offset, above the counter's 3 (count.lua's 4).</summary>
    public const int DayOffsetBits = 2;

    /// <summary>The event's own record: the message selector followed by the fingerprint (count.lua's <c>record</c>).</summary>
    public static byte[] Primary(CallbackEvent e)
    {
        var record = new byte[SelectorLength + Length];
        Selector(e.MessageId, record);
        Fingerprint(e.MessageId, PrimaryName(e), record.AsSpan(SelectorLength));
        return record;
    }

    /// <summary>
    /// The record whose value the event needs, or null: a sent event's delivered record (a time to deliver when the
    /// delivery came first); a delivered event's sent record (its time, its country); a failed event's sent record when
    /// it names no country of its own.
    /// </summary>
    public static byte[]? Partner(CallbackEvent e) => e.Kind switch
    {
        EventKind.Sent => Fingerprint(e.MessageId, "delivered"),
        EventKind.Delivered => Fingerprint(e.MessageId, "sent"),
        EventKind.Failed when e.Country is null => Fingerprint(e.MessageId, "sent"),
        _ => null,
    };

    /// <summary>
    /// The event's second record, or null: a click's message record, which makes the first click of a message count
    /// as a clicked message; a sent event's failed record, whose failure it may have to move to its country.
    /// </summary>
    public static byte[]? Secondary(CallbackEvent e) => e.Kind switch
    {
        EventKind.Clicked => Fingerprint(e.MessageId, "clicked"),
        EventKind.Sent => Fingerprint(e.MessageId, "failed"),
        _ => null,
    };

    /// <summary>
    /// count.lua's <c>packed</c>: the counter of the event's own record, then 8 × the day offset (the reporting day less
    /// the UTC date of the event time, plus 1: 0 to 2), then 32 × the country index (0 when it names none).
    /// </summary>
    public static long Packed(CallbackEvent e)
    {
        var dayOffset = e.Day.DayNumber - DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(e.EventTime).UtcDateTime).DayNumber + 1;
        return CounterCode(e.Kind) + (8L * Math.Clamp(dayOffset, 0, 2)) + (32L * Countries.Index(e.Country));
    }

    /// <summary>What a stored value holds, for a record of generation <paramref name="generation"/>.</summary>
    public static StoredRecord Parse(long value, long generation, long generationLength, long window)
    {
        var counter = (int)(value & 7);
        var rest = value >> 3;
        var start = (generation * generationLength) - window;
        if (counter == 0) return new StoredRecord(Counters[0], start + (rest >> CountryBits), (int)(rest & 255), null);
        var name = counter < Counters.Length ? Counters[counter]
            : counter - CountryPendingOffset is 1 or 2 ? Counters[counter - CountryPendingOffset]
            : "";
        return new StoredRecord(name, start + (rest >> DayOffsetBits), 0, (int)(rest & 3));
    }

    private static int CounterCode(EventKind kind) => kind switch
    {
        EventKind.Sent => 0,
        EventKind.Delivered => 1,
        EventKind.Failed => 2,
        EventKind.Clicked => 4,
        EventKind.Replied => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string PrimaryName(CallbackEvent e) => e.Kind switch
    {
        EventKind.Sent => "sent",
        EventKind.Delivered => "delivered",
        EventKind.Failed => "failed",
        EventKind.Clicked => "k:" + e.Distinct,
        EventKind.Replied => "r:" + e.Distinct,
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Kind, null),
    };

    private static byte[] Fingerprint(string messageId, string name)
    {
        var fingerprint = new byte[Length];
        Fingerprint(messageId, name, fingerprint);
        return fingerprint;
    }

    private static void Selector(string messageId, Span<byte> into) => Hash(messageId, null, into[..SelectorLength]);

    private static void Fingerprint(string messageId, string name, Span<byte> into) => Hash(messageId, name, into[..Length]);

    private static void Hash(string messageId, string? name, Span<byte> into)
    {
        // The message id's length goes first, so no (message id, name) pair can spell another's input.
        var length = 4 + Encoding.UTF8.GetMaxByteCount(messageId.Length + (name?.Length ?? 0));
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[length] : rented;
        var idBytes = Encoding.UTF8.GetBytes(messageId, buffer[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, idBytes);
        var written = 4 + idBytes;
        if (name is not null) written += Encoding.UTF8.GetBytes(name, buffer[written..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer[..written], hash);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        hash[..into.Length].CopyTo(into);
    }
}

/// <summary>
/// A dedup record's value read back: the counter it counted on, its event time, its country index (sent records; 0
/// otherwise) and its day offset (the others; null for sent records).
/// </summary>
public readonly record struct StoredRecord(string Counter, long EventTime, int Country, int? DayOffset)
{
    /// <summary>The reporting day, for the records that hold it.</summary>
    public DateOnly? Day => DayOffset is { } offset
        ? DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(EventTime).UtcDateTime).AddDays(offset - 1)
        : null;
}
