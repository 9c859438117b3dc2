using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CallbackPipeline.IntegrationTests.Security;

/// <summary>
/// Answers given without reading the whole body, on a raw keep-alive connection: either the connection stays usable for
/// the next request, or the answer says <c>Connection: close</c> and the server closes it, so a pooling client never
/// sends its next request on a connection the server drops.
/// </summary>
public sealed class KeepAliveTests(SocketApp app) : IClassFixture<SocketApp>
{
    private const int OverLimit = 2 * 1024 * 1024;

    [Fact]
    public async Task AnOversizedCallback_Is413WithConnectionClose_AndTheServerThenClosesIt()
    {
        var account = await app.CreateAccountAsync();
        var path = new Uri((await account.CreateProviderAsync())["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        using var tcp = await app.ConnectAsync();
        var stream = tcp.GetStream();

        await stream.WriteAsync(Head("POST", path, OverLimit));
        await stream.WriteAsync(new byte[64 * 1024]);
        var answer = await ReadAnswerAsync(stream);

        Assert.Equal(413, answer.Status);
        Assert.Equal("close", answer.Header("Connection"));
        Assert.True(await ClosedAsync(stream), "the server kept a connection it said it would close");
    }

    [Fact]
    public async Task AnUnknownProviderWithALargeBody_IsAnsweredWithConnectionClose()
    {
        using var tcp = await app.ConnectAsync();
        var stream = tcp.GetStream();

        await stream.WriteAsync(Head("POST", "/v1/callbacks/prv_nobody", OverLimit));
        var answer = await ReadAnswerAsync(stream);

        Assert.Equal(404, answer.Status);
        Assert.Equal("close", answer.Header("Connection"));
    }

    [Fact]
    public async Task ASmallUnreadBody_LeavesTheConnectionUsable_ForTheNextRequest()
    {
        var account = await app.CreateAccountAsync();
        var path = new Uri((await account.CreateProviderAsync())["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        var body = Encoding.UTF8.GetBytes($$"""[{"event":"delivered","data":[{"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"meta":"keep-1"}]}]""");
        using var tcp = await app.ConnectAsync();
        var stream = tcp.GetStream();

        for (var i = 0; i < 10; i++)
        {
            await stream.WriteAsync(Head("POST", "/v1/callbacks/prv_nobody", body.Length));
            await stream.WriteAsync(body);
            var unknown = await ReadAnswerAsync(stream);
            Assert.Equal(404, unknown.Status);
            Assert.Null(unknown.Header("Connection"));

            await stream.WriteAsync(Head("POST", path, body.Length));
            await stream.WriteAsync(body);
            Assert.Equal(200, (await ReadAnswerAsync(stream)).Status);
        }
    }

    private static byte[] Head(string method, string path, int contentLength) => Encoding.ASCII.GetBytes(
        $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n");

    private static async Task<bool> ClosedAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // Whatever is left of the answer.
            }
            return true;
        }
        catch (IOException e) when (e.InnerException is SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Reads one answer whole (its head, then a Content-Length or chunked body), so the next can follow.</summary>
    private static async Task<Answer> ReadAnswerAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        for (var line = await ReadLineAsync(stream, timeout.Token); line.Length > 0; line = await ReadLineAsync(stream, timeout.Token)) lines.Add(line);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (headers.GetValueOrDefault("Transfer-Encoding") == "chunked")
        {
            for (var size = Hex(await ReadLineAsync(stream, timeout.Token)); size > 0; size = Hex(await ReadLineAsync(stream, timeout.Token)))
            {
                await stream.ReadExactlyAsync(new byte[size + 2], timeout.Token);
            }
            await ReadLineAsync(stream, timeout.Token);
        }
        else if (headers.TryGetValue("Content-Length", out var length))
        {
            await stream.ReadExactlyAsync(new byte[int.Parse(length, CultureInfo.InvariantCulture)], timeout.Token);
        }
        return new Answer(int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture), headers);
    }

    private static int Hex(string line) => int.Parse(line, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) throw new IOException("The connection closed inside an answer.");
            if (one[0] == '\n') return line.ToString().TrimEnd('\r');
            line.Append((char)one[0]);
        }
    }

    private sealed record Answer(int Status, Dictionary<string, string> Headers)
    {
        public string? Header(string name) => Headers.GetValueOrDefault(name);
    }
}
