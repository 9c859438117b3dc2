using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CallbackPipeline.Load;

/// <summary>
/// <c>naive-receiver --port P --redis HOST:PORT --token T</c>: the receiver a team would write first, as the peer the
/// project's receiver is measured beside (load/measure.sh, step wrk): <c>POST /callbacks/{token}</c> checks the token,
/// parses the JSON and awaits one <c>XADD</c> of it per request, then answers 200. It keeps no ledger and counts nothing.
/// </summary>
public static class NaiveReceiver
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{args.GetInt("port", 39090)}");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(args.Get("redis"));
        var db = redis.GetDatabase();
        var expected = Encoding.UTF8.GetBytes(args.Get("token"));
        var app = builder.Build();
        app.MapPost("/callbacks/{token}", async (string token, HttpRequest request) =>
        {
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), expected)) return Results.Unauthorized();
            using var body = await JsonDocument.ParseAsync(request.Body);
            await db.StreamAddAsync("naive:queue", "e", body.RootElement.GetRawText());
            return Results.Ok();
        });
        await app.RunAsync();
        return 0;
    }
}
