using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CallbackPipeline.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CallbackPipeline.IntegrationTests.Security;

/// <summary>The pipeline on a real loopback socket, with Kestrel's slow-client limits shortened so tests stay quick.</summary>
public sealed class SocketApp : PipelineApp
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    public SocketApp() => UseKestrel(0);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Callbacks:RequestHeadersTimeout"] = "00:00:02",
        ["Callbacks:MinBodyRateGrace"] = "00:00:02",
    };

    public Uri BaseUri => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A raw TCP connection to the server: requests HttpClient would refuse to send can be written as bytes.</summary>
    public async Task<TcpClient> ConnectAsync()
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, BaseUri.Port);
        return tcp;
    }
}

/// <summary>Slow and malformed requests over a real socket: ended within a bounded time, always 4xx, nothing counted.</summary>
public sealed class SlowClientTests(SocketApp app, ITestOutputHelper output) : IClassFixture<SocketApp>
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ABodySlowerThanTheMinimumRate_IsEndedWithinTheGrace_AndTheServerStaysHealthy()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var path = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        var body = Encoding.UTF8.GetBytes(GenericCallback.Delivered("slow-1"));

        using var tcp = await app.ConnectAsync();
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length + 4000}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var watch = Stopwatch.StartNew();
        var read = ReadAnswerAsync(stream);
        // One byte every 250 ms is 4 B/s, far under the 240 B/s minimum.
        var sent = 0;
        while (!read.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                await stream.WriteAsync(body.AsMemory(sent % body.Length, 1));
                sent++;
            }
            catch (IOException)
            {
                break;
            }
            await Task.WhenAny(read, Task.Delay(250));
        }
        var answer = await read.WaitAsync(TimeSpan.FromSeconds(5));
        output.WriteLine($"slow body: {sent} bytes in {watch.Elapsed.TotalSeconds:F1} s, answer: {(answer.Length == 0 ? "connection closed" : answer.Split("\r\n")[0])}");
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        Assert.InRange(watch.Elapsed, SocketApp.Grace, SocketApp.Grace + TimeSpan.FromSeconds(4));

        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, GenericCallback.Delivered("fast-1"))).StatusCode);
        // Queue order is FIFO: had the slow request been queued, it would be counted before the fast one.
        var stats = await account.StatsUntilAsync(provider["id"]!.GetValue<string>(), Today, Today, s => s.Total("delivered") >= 1);
        Assert.Equal(1, stats.Total("delivered"));
    }

    [Fact]
    public async Task HeadersSentTooSlowly_AreEndedByTheHeadersTimeout()
    {
        using var tcp = await app.ConnectAsync();
        var stream = tcp.GetStream();
        var watch = Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /v1/callbacks/x HTTP/1.1\r\nHost: localhost\r\n"));
        var read = ReadAnswerAsync(stream);
        while (!read.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                await stream.WriteAsync("X"u8.ToArray());
            }
            catch (IOException)
            {
                break;
            }
            await Task.WhenAny(read, Task.Delay(250));
        }
        var answer = await read.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(7));
    }

    public static readonly TheoryData<string, string> Malformed = new()
    {
        { "CR inside a header value", "X-Injected: a\rSet-Cookie: b=c\r\n" },
        { "bare LF inside a header value", "X-Injected: a\nSet-Cookie: b=c\r\n" },
        { "NUL inside a header value", "X-Injected: a\0b\r\n" },
        { "a header line without a colon", "Not a header\r\n" },
        { "a space before the colon", "X-Injected : a\r\n" },
        { "an oversized header (64 KiB)", "X-Big: " + new string('a', 64 * 1024) + "\r\n" },
        { "two Content-Length headers that disagree", "Content-Length: 2\r\nContent-Length: 5\r\n" },
        { "Content-Length and chunked together", "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n" },
        { "a non-numeric Content-Length", "Content-Length: 1e3\r\n" },
        { "a non-ASCII header name", "X-\u00e9t\u00e9: a\r\n" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AMalformedRequestHead_Gets4xx_Never5xx(string what, string headerLines)
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var path = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        var status = await SendRawAsync($"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{headerLines}\r\n");
        output.WriteLine($"{what}: {status}");
        Assert.InRange(status, 400, 499);

        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        // Only the sentinel behind it is counted.
        Assert.Equal(1, (await account.TotalsAfterSentinelAsync(provider))["delivered"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnOversizedRequestLine_Gets414()
    {
        var status = await SendRawAsync($"GET /v1/callbacks/x?token={new string('a', 20 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        Assert.Equal(414, status);
    }

    /// <summary>Writes the raw request head and returns the answer's status code (0 when the connection was closed without one).</summary>
    private async Task<int> SendRawAsync(string head)
    {
        using var tcp = await app.ConnectAsync();
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(head));
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything.
        }
        var answer = await ReadAnswerAsync(stream).WaitAsync(TimeSpan.FromSeconds(10));
        return answer.Split(' ') is [_, var code, ..] && int.TryParse(code, CultureInfo.InvariantCulture, out var status) ? status : 0;
    }

    /// <summary>Everything the server writes until it closes the connection or a whole answer head has arrived.</summary>
    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0) break;
                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
                if (text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal)) break;
            }
        }
        catch (IOException)
        {
            // A reset connection is an answer too: the request was ended.
        }
        return text.ToString();
    }
}
