using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// An OTLP/HTTP trace receiver on loopback, as a collector would be: it takes <c>POST /v1/traces</c> in protobuf and
/// keeps each span's trace id, name, kind and whether it has a parent, decoded straight from the wire format.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private OtlpReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    public string Endpoint => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var resource in Fields(body.ToArray(), 1))
            {
                foreach (var scope in Fields(resource, 2))
                {
                    foreach (var span in Fields(scope, 2)) receiver.Spans.Enqueue(ReceivedSpan.Read(span));
                }
            }
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of a protobuf message.</summary>
    internal static IEnumerable<byte[]> Fields(byte[] message, int number)
    {
        var i = 0;
        while (i < message.Length)
        {
            var tag = Varint(message, ref i);
            var (field, type) = ((int)(tag >> 3), (int)(tag & 7));
            switch (type)
            {
                case 0:
                    Varint(message, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 5:
                    i += 4;
                    break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    if (field == number) yield return message[i..(i + length)];
                    i += length;
                    break;
                default:
                    throw new InvalidDataException($"Wire type {type} is not in OTLP.");
            }
        }
    }

    internal static ulong Varint(byte[] message, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }
}

/// <summary>One exported span, as far as the tests read it.</summary>
public sealed record ReceivedSpan(ActivityTraceId TraceId, string Name, bool HasParent)
{
    public static ReceivedSpan Read(byte[] span)
    {
        var traceId = OtlpReceiver.Fields(span, 1).Single();
        var parent = OtlpReceiver.Fields(span, 4).FirstOrDefault();
        var name = Encoding.UTF8.GetString(OtlpReceiver.Fields(span, 5).Single());
        return new ReceivedSpan(ActivityTraceId.CreateFromBytes(traceId), name, parent is { Length: > 0 });
    }
}
