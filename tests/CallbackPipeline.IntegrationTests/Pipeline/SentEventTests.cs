using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class SentEventTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task QueuesSentAndFailedEvents_AndCountsThem()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var response = await account.PostEventsAsync(
            new { providerId = id, messageId = "s1", type = "sent", timestamp = DateTimeOffset.UtcNow },
            new { providerId = id, messageId = "s2", type = "sent" },
            new { providerId = id, messageId = "s3", type = "failed", errorCode = 4001 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["accepted"]!.GetValue<int>());
        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("sent") >= 2 && s.Total("failed") >= 1);
        Assert.Equal(2, stats.Total("sent"));
        Assert.Equal(1, stats.Total("failed"));
    }

    [Fact]
    public async Task InvalidItems_RejectTheWholeBatch_NamingEachIndex()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var response = await account.PostEventsAsync(
            new { providerId = id, messageId = "ok", type = "sent" },
            new { providerId = id, messageId = "", type = "sent" },
            new { providerId = id, messageId = "x", type = "delivered" });
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["1", "2"], errors.Select(e => e.Key).Order());
        await AssertNothingCountedAsync(account, id);
    }

    [Fact]
    public async Task ATimestampWithoutItsOffset_IsRefused_NamingTheItem()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var response = await account.PostEventsAsync(
            new { providerId = id, messageId = "zoned", type = "sent", timestamp = "2026-11-27T10:15:00+05:30" },
            new { providerId = id, messageId = "utc", type = "sent", timestamp = "2026-11-27T04:45:00.250Z" },
            new { providerId = id, messageId = "local", type = "sent", timestamp = "2026-11-27T10:15:00" },
            new { providerId = id, messageId = "date", type = "sent", timestamp = "2026-11-27" },
            new { providerId = id, messageId = "number", type = "sent", timestamp = (object)1764218100 });
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["2", "3", "4"], errors.Select(e => e.Key).Order());
        Assert.Contains("RFC 3339", errors["2"]![0]!.GetValue<string>());
        await AssertNothingCountedAsync(account, id);
    }

    [Fact]
    public async Task MoreThanAThousandEvents_IsRefused()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var events = Enumerable.Range(0, 1001).Select(i => (object)new { providerId = id, messageId = $"m{i}", type = "sent" }).ToArray();
        Assert.Equal(HttpStatusCode.BadRequest, (await account.PostEventsAsync(events)).StatusCode);
    }

    [Fact]
    public async Task UnknownProvider_Is404_AndWinsOverArchived409()
    {
        var account = await app.CreateAccountAsync();
        var archived = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var admin = account.Admin();
        await admin.PostAsync($"/v1/providers/{archived}/archive", null);

        var both = await account.PostEventsAsync(
            new { providerId = archived, messageId = "a", type = "sent" },
            new { providerId = "prv_missing", messageId = "b", type = "sent" });
        Assert.Equal(HttpStatusCode.NotFound, both.StatusCode);
        Assert.Equal(["1"], JsonNode.Parse(await both.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(e => e.Key));

        var sent = await account.PostEventsAsync(new { providerId = archived, messageId = "a", type = "sent" });
        Assert.Equal(HttpStatusCode.Conflict, sent.StatusCode);
        Assert.Equal(["0"], JsonNode.Parse(await sent.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(e => e.Key));

        var failed = await account.PostEventsAsync(new { providerId = archived, messageId = "a", type = "failed" });
        Assert.Equal(HttpStatusCode.Accepted, failed.StatusCode);
    }

    [Fact]
    public async Task ArchivedProviders_StillCountCallbacksForMessagesAlreadySent()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        await account.PostEventsAsync(new { providerId = id, messageId = "before-archive", type = "sent" });
        using var admin = account.Admin();
        await admin.PostAsync($"/v1/providers/{id}/archive", null);

        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5;
        var response = await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{"ts":{{ts}},"meta":"before-archive"}]}]""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("delivered") >= 1 && s.Total("sent") >= 1);
        Assert.Equal(1, stats.Total("sent"));
        Assert.Equal(1, stats.Total("delivered"));
    }

    private async Task AssertNothingCountedAsync(TestAccount account, string id)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await account.PostEventsAsync(new { providerId = id, messageId = "marker", type = "failed" })).StatusCode);
        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("failed") >= 1);
        Assert.Equal(0, stats.Total("sent"));
        Assert.Equal(1, stats.Total("failed"));
    }
}
