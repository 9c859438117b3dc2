using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// The compact form of one dedup record (docs/architecture.md, "The rules"): a record stands for one (message, event kind)
/// or one distinct click or reply of a message, and is stored as a fingerprint in a small hash bucket (count.lua).
/// </summary>
/// <remarks>
/// The fingerprint is the first <see cref="Length"/> bytes of SHA-256 over the message id and the record's name: 4
/// bytes choose the bucket and the remaining 12 (96 bits) are the field. Two records collide only when all 96 field
/// bits and the bucket match, and the chance of any collision among n records of one provider is about
/// n² / 2^97 (docs/performance.md works it out against the 1-in-10⁹ bound). SHA-256 rather than a faster
/// non-cryptographic hash because reply texts and click URLs come from outside: nobody can aim a collision.
/// </remarks>
public static class DedupRecord
{
    /// <summary>Bytes of a fingerprint: 4 choose the bucket, 12 are the hash field.</summary>
    public const int Length = 16;

    /// <summary>The counter a record counts on, as stored in its value (<see cref="Value"/>).</summary>
    private static readonly string[] Counters = ["sent", "delivered", "failed", "clicked", "clicks", "replies"];

    /// <summary>Day numbers in record values count from here, so the values stay small integers.</summary>
    private static readonly DateOnly Epoch = new(2020, 1, 1);

    /// <summary>The event's own record: per message for sent/delivered/failed, per distinct click or reply otherwise.</summary>
    public static byte[] Primary(CallbackEvent e) => e.Kind switch
    {
        EventKind.Sent => Fingerprint(e.MessageId, "sent"),
        EventKind.Delivered => Fingerprint(e.MessageId, "delivered"),
        EventKind.Failed => Fingerprint(e.MessageId, "failed"),
        EventKind.Clicked => Fingerprint(e.MessageId, "k:" + e.Distinct),
        EventKind.Replied => Fingerprint(e.MessageId, "r:" + e.Distinct),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Kind, null),
    };

    /// <summary>A click's second record, which makes the first click of a message count as a clicked message.</summary>
    public static byte[]? Secondary(CallbackEvent e) => e.Kind == EventKind.Clicked ? Fingerprint(e.MessageId, "clicked") : null;

    /// <summary>
    /// The stored value of the event's primary record: the day it counts on and its counter, so a recount can rebuild
    /// the days from the records. A click's secondary record stores this value minus one (the <c>clicked</c> counter).
    /// </summary>
    public static long Value(CallbackEvent e) => ((long)(e.Day.DayNumber - Epoch.DayNumber) * 8) + e.Kind switch
    {
        EventKind.Sent => 0,
        EventKind.Delivered => 1,
        EventKind.Failed => 2,
        EventKind.Clicked => 4,
        EventKind.Replied => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.Kind, null),
    };

    /// <summary>Reads a stored value back: the day and the counter, or null for a value no record holds.</summary>
    public static (DateOnly Day, string Counter)? Parse(long value)
    {
        var code = (int)(value & 7);
        if (code >= Counters.Length) return null;
        return (Epoch.AddDays((int)(value >> 3)), Counters[code]);
    }

    private static byte[] Fingerprint(string messageId, string name)
    {
        // The message id's length goes first, so no (message id, name) pair can spell another's input.
        var length = 4 + Encoding.UTF8.GetMaxByteCount(messageId.Length + name.Length);
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[length] : rented;
        var idBytes = Encoding.UTF8.GetBytes(messageId, buffer[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, idBytes);
        var written = 4 + idBytes;
        written += Encoding.UTF8.GetBytes(name, buffer[written..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer[..written], hash);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return hash[..Length].ToArray();
    }
}
