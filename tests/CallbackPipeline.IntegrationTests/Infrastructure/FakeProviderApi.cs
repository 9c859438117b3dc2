using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on loopback standing in for the providers' send APIs. It records every request and answers
/// as each provider documents; the number +15005550001 is refused, as Twilio's test number for "invalid".
/// <c>/redirect?to=…</c> answers 307 to the given URL.
/// </summary>
public sealed class FakeProviderApi : IAsyncDisposable
{
    public const string InvalidNumber = "+15005550001";

    private readonly WebApplication app;

    private FakeProviderApi(WebApplication app) => this.app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public string BaseUrl => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <param name="address">The loopback address to listen on (any of 127.0.0.0/8).</param>
    public static async Task<FakeProviderApi> StartAsync(string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{address}:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeProviderApi(app);
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync();
            context.Request.Body.Position = 0;
            fake.Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Authorization.ToString(), context.Request.ContentType, body, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString())));
            await next();
        });
        app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return form["To"] == InvalidNumber
                ? Results.Json(new { code = 21211, message = $"The 'To' number {InvalidNumber} is not a valid phone number.", status = 400 }, statusCode: 400)
                : Results.Json(new { sid = "SM" + new string('7', 32), status = "queued" }, statusCode: 201);
        });
        app.MapPost("/sms/json", () => Results.Json(new Dictionary<string, object>
        {
            ["message-count"] = "1",
            ["messages"] = new[] { new Dictionary<string, string> { ["to"] = "447700900123", ["message-id"] = "vonage-test-1", ["status"] = "0" } },
        }));
        app.MapPost("/v1/Account/{authId}/Message/", () => Results.Json(new { api_id = "a1", message = "message(s) queued", message_uuid = new[] { "plivo-test-1" } }, statusCode: 202));
        app.MapPost("/sms/2/text/advanced", () => Results.Json(new { messages = new[] { new { messageId = "infobip-test-1", status = new { groupId = 1, groupName = "PENDING" } } } }));
        app.MapPost("/v2/messages", () => Results.Json(new { data = new { id = "telnyx-test-1" } }));
        app.MapPost("/generic/send", () => Results.Json(new { accepted = true }));
        app.MapGet("/generic/send", () => Results.Json(new { accepted = true }));
        app.MapMethods("/redirect", ["GET", "POST"], (string to) => Results.Redirect(to, permanent: false, preserveMethod: true));
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

public sealed record RecordedRequest(string Method, string PathAndQuery, string Authorization, string? ContentType, string Body, Dictionary<string, string> Headers);
