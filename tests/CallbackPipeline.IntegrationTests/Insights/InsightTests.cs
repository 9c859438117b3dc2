using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Twilio;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.IntegrationTests.Providers;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Worker;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Insights;

/// <summary>The insight routes over the whole pipeline, with figures known in advance, checked against the counters.</summary>
public sealed class InsightTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    // A day ago, so that a delivered event seconds later is still in the past.
    private static readonly DateTimeOffset T = DateTimeOffset.UtcNow.AddDays(-1);
    private static readonly string Day = T.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Record(string meta, DateTimeOffset at, string? extra = null) =>
        $$"""{"ts":{{at.ToUnixTimeSeconds()}},"meta":"{{meta}}"{{(extra is null ? "" : "," + extra)}}}""";

    private static string Group(string @event, params string[] records) => $$"""{"event":"{{@event}}","data":[{{string.Join(',', records)}}]}""";

    private static async Task PostAsync(TestAccount account, JsonObject provider, params string[] groups) =>
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, $"[{string.Join(',', groups)}]")).StatusCode);

    private static async Task<JsonObject> InsightAsync(TestAccount account, string id, string route)
    {
        using var reader = account.Reader();
        return await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{id}/stats/{route}?from={Day}&to={Day}"));
    }

    private static string Id(JsonObject provider) => provider["id"]!.GetValue<string>();

    [Fact]
    public async Task EachFailedMessage_CountsOnceUnderTheCodeOfItsFirstFailure_AndTheFailuresSumToFailed()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        await PostAsync(account, provider, Group("failed",
            Record("m1", T, "\"code\":906,\"description\":\"Blocked by DLT (header)\""), Record("m2", T, "\"code\":\"906\""),
            Record("m3", T, "\"code\":\"910\""), Record("m4", T)));
        // m1 failing again with another code is a retry of a counted failure: it counts nothing.
        await PostAsync(account, provider, Group("failed", Record("m1", T, "\"code\":\"910\"")));
        Assert.Equal(1, (await account.TotalsAfterSentinelAsync(provider))["delivered"]!.GetValue<long>());

        var failures = await InsightAsync(account, Id(provider), "failures");
        var stats = await account.StatsAsync(Id(provider), Day, Day);
        Assert.Equal(4, failures["failed"]!.GetValue<long>());
        Assert.Equal(stats.Total("failed"), failures["failed"]!.GetValue<long>());
        Assert.Equal(
            """[{"code":"906","description":"Blocked by DLT (header)","category":"blocked","failed":2,"share":50},{"code":"910","description":"Invalid subscriber","category":"invalid_number","failed":1,"share":25},{"code":"none","description":"","category":"unknown","failed":1,"share":25}]""",
            failures["codes"]!.ToJsonString());
        Assert.Equal(
            """[{"category":"blocked","failed":2,"share":50},{"category":"invalid_number","failed":1,"share":25},{"category":"unknown","failed":1,"share":25}]""",
            failures["categories"]!.ToJsonString());
    }

    [Fact]
    public async Task ACodeOutsideTheTable_TakesTheFirstDescriptionTheProviderSent_EvenAfterFailuresWithout()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        await PostAsync(account, provider, Group("failed", Record("d1", T, "\"code\":\"E-7001\"")));
        await account.TotalsAfterSentinelAsync(provider);
        Assert.Equal("", (await InsightAsync(account, Id(provider), "failures"))["codes"]![0]!["description"]!.GetValue<string>());

        await PostAsync(account, provider, Group("failed",
            Record("d2", T, "\"code\":\"E-7001\",\"description\":\"Carrier queue full\""),
            Record("d3", T, "\"code\":\"E-7001\",\"description\":\"Something else\"")));
        await account.TotalsAfterSentinelAsync(provider);
        // Until the answer kept from the first read (Stats:MaxAge) has been replaced.
        var code = (await Polling.UntilAsync(() => InsightAsync(account, Id(provider), "failures"),
            f => f["failed"]!.GetValue<long>() == 3))["codes"]![0]!;
        Assert.Equal(3, code["failed"]!.GetValue<long>());
        Assert.Equal("Carrier queue full", code["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADayKeepsAHundredCodes_AndCountsLaterNewCodesAsOther()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        await PostAsync(account, provider, Group("failed", [.. Enumerable.Range(0, 102).Select(i => Record($"c{i}", T, $"\"code\":\"E{i:D3}\""))]));
        await PostAsync(account, provider, Group("failed", Record("again", T, "\"code\":\"E005\"")));
        await account.TotalsAfterSentinelAsync(provider);

        var failures = await InsightAsync(account, Id(provider), "failures");
        var codes = failures["codes"]!.AsArray();
        Assert.Equal(103, failures["failed"]!.GetValue<long>());
        Assert.Equal(21, codes.Count);
        Assert.Equal(("E005", 2), (codes[0]!["code"]!.GetValue<string>(), codes[0]!["failed"]!.GetValue<long>()));
        // 100 codes kept: the 20 listed, 80 more summed with the 2 that came after the hundredth.
        Assert.Equal(("other", "unknown", 82), (codes[20]!["code"]!.GetValue<string>(), codes[20]!["category"]!.GetValue<string>(), codes[20]!["failed"]!.GetValue<long>()));
        Assert.Equal(103, codes.Sum(c => c!["failed"]!.GetValue<long>()));
    }

    [Fact]
    public async Task FailuresWithoutACode_CountAsNone_EvenWhenTheDayHasAHundredCodes()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        await PostAsync(account, provider, Group("failed", [.. Enumerable.Range(0, 100).Select(i => Record($"c{i}", T, $"\"code\":\"E{i:D3}\""))]));
        await PostAsync(account, provider, Group("failed",
            Record("n1", T, "\"description\":\"Handset off\""), Record("n2", T), Record("n3", T, "\"description\":\"No route\"")));
        await account.TotalsAfterSentinelAsync(provider);

        var codes = (await InsightAsync(account, Id(provider), "failures"))["codes"]!.AsArray();
        Assert.Equal(("none", "", 3), (codes[0]!["code"]!.GetValue<string>(), codes[0]!["description"]!.GetValue<string>(), codes[0]!["failed"]!.GetValue<long>()));
        Assert.Equal(103, codes.Sum(c => c!["failed"]!.GetValue<long>()));
    }

    [Fact]
    public async Task ATimeToDeliver_IsRecordedOncePerMessage_InEitherOrder_InItsBucket()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = Id(provider);
        var sent = new[] { "m1", "m2", "m4" }.Select(m => new { providerId = id, messageId = m, type = "sent", timestamp = T }).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await account.PostEventsAsync(sent)).StatusCode);
        // m1 5 s later (exactly on a bound), m2 6 s later, twice; m3 delivered 20 s after it was sent, the delivery first.
        await PostAsync(account, provider, Group("delivered", Record("m1", T.AddSeconds(5)), Record("m2", T.AddSeconds(6)), Record("m3", T.AddSeconds(20)), Record("m5", T.AddSeconds(9))));
        await PostAsync(account, provider, Group("delivered", Record("m2", T.AddSeconds(6))));
        await account.TotalsAfterSentinelAsync(await account.CreateProviderAsync(name: "sentinel"));
        Assert.Equal(HttpStatusCode.Accepted, (await account.PostEventsAsync(new { providerId = id, messageId = "m3", type = "sent", timestamp = T })).StatusCode);
        await account.TotalsAfterSentinelAsync(await account.CreateProviderAsync(name: "sentinel 2"));

        var latency = await InsightAsync(account, id, "latency");
        var buckets = latency["buckets"]!.AsArray();
        Assert.Equal(17, buckets.Count);
        Assert.Equal([0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], buckets.Select(b => b!["messages"]!.GetValue<long>()));
        Assert.Equal([1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 259200, null], buckets.Select(b => b!["le"]?.GetValue<long?>()));
        Assert.Equal((3, 10, 20, 20), (latency["messages"]!.GetValue<long>(), latency["p50"]!.GetValue<long>(), latency["p90"]!.GetValue<long>(), latency["p99"]!.GetValue<long>()));
        var day = Assert.Single(latency["series"]!.AsArray());
        Assert.Equal($$"""{"date":"{{Day}}","messages":3,"p50":10,"p90":20}""", day!.ToJsonString());
    }

    [Fact]
    public async Task ATimeBeyondTheLastBound_IsInTheOpenBucket_AndNothingTimedHasNoPercentiles()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = Id(provider);
        var sentAt = T.AddDays(-3).AddSeconds(-1);
        Assert.Equal(HttpStatusCode.Accepted, (await account.PostEventsAsync(new { providerId = id, messageId = "slow", type = "sent", timestamp = sentAt })).StatusCode);
        await PostAsync(account, provider, Group("delivered", Record("slow", T)));
        await account.TotalsAfterSentinelAsync(await account.CreateProviderAsync(name: "sentinel"));

        var latency = await InsightAsync(account, id, "latency");
        Assert.Equal(1, latency["buckets"]![16]!["messages"]!.GetValue<long>());
        Assert.Null(latency["p50"]);
        using var reader = account.Reader();
        var before = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{id}/stats/latency?from=2026-01-01&to=2026-01-07"));
        Assert.Equal((0, null, null), (before["messages"]!.GetValue<long>(), before["p50"], before["p90"]));
        Assert.All(before["series"]!.AsArray(), d => Assert.Null(d!["p50"]));
    }

    [Fact]
    public async Task Countries_ComeFromTheEventsOwnDestination_ElseTheSentEvents_ElseUnknown_AndSumToTheTotals()
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var twilio = await account.CreateProviderAsync("twilio", settings, secrets);
        var generic = await account.CreateProviderAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await account.PostEventsAsync(
            new { providerId = Id(generic), messageId = "in-1", type = "sent", timestamp = T, country = "IN" },
            new { providerId = Id(generic), messageId = "us-1", type = "sent", timestamp = T, to = "+14155550123" },
            new { providerId = Id(generic), messageId = "x-1", type = "sent", timestamp = T },
            new { providerId = Id(generic), messageId = "br-1", type = "failed", timestamp = T, errorCode = "E1", country = "BR" },
            new { providerId = Id(twilio), messageId = "SMtw", type = "sent", timestamp = T, country = "IN" })).StatusCode);
        await account.TotalsAfterSentinelAsync(await account.CreateProviderAsync(name: "sentinel"));
        // Inherited: in-1 delivered, us-1 failed; x-1 and a message never sent: unknown.
        await PostAsync(account, generic, Group("delivered", Record("in-1", T.AddSeconds(3)), Record("x-1", T.AddSeconds(3)), Record("never-sent", T.AddSeconds(3))),
            Group("failed", Record("us-1", T.AddSeconds(3))));
        // A Twilio callback names its own destination, which wins over its sent event's.
        await PostTwilioAsync(twilio, "MessageSid=SMtw&MessageStatus=delivered&To=%2B447700900123");
        await account.TotalsAfterSentinelAsync(generic);

        var countries = await InsightAsync(account, Id(generic), "countries");
        Assert.Equal(
            """[{"country":"IN","sent":1,"delivered":1,"failed":0,"deliveryRate":100},{"country":"US","sent":1,"delivered":0,"failed":1,"deliveryRate":0},{"country":"unknown","sent":1,"delivered":2,"failed":0,"deliveryRate":200},{"country":"BR","sent":0,"delivered":0,"failed":1,"deliveryRate":0}]""",
            countries["countries"]!.ToJsonString());
        var stats = await account.StatsAsync(Id(generic), Day, Day);
        foreach (var counter in new[] { "sent", "delivered", "failed" })
        {
            Assert.Equal(stats.Total(counter), countries["countries"]!.AsArray().Sum(c => c![counter]!.GetValue<long>()));
        }
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var reader = account.Reader();
        var twilioCountries = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{Id(twilio)}/stats/countries?from={Day}&to={today}"));
        Assert.Equal("""[{"country":"IN","sent":1,"delivered":0,"failed":0,"deliveryRate":0},{"country":"GB","sent":0,"delivered":1,"failed":0,"deliveryRate":0}]""",
            twilioCountries["countries"]!.ToJsonString());
    }

    [Fact]
    public async Task ADeliveryOrFailureCountedBeforeItsSentEvent_MovesToTheSentEventsCountry_OnItsOwnDay_Once()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = Id(provider);
        var dayBefore = T.AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // The callbacks are counted first, and flushed: none names a destination, so all are under unknown. d-2 was sent
        // the day before it was delivered.
        await PostAsync(account, provider, Group("delivered", Record("d-1", T.AddSeconds(4)), Record("x-1", T.AddSeconds(4)), Record("d-2", T)),
            Group("failed", Record("f-1", T.AddSeconds(4), "\"code\":\"906\"")));
        await account.TotalsAfterSentinelAsync(await account.CreateProviderAsync(name: "sentinel"));
        await app.Services.GetRequiredService<FlushService>().FlushAllAsync(CancellationToken.None);
        Assert.Equal("""[{"country":"unknown","sent":0,"delivered":3,"failed":1,"deliveryRate":0}]""", (await InsightAsync(account, id, "countries"))["countries"]!.ToJsonString());

        object[] sent =
        [
            new { providerId = id, messageId = "d-1", type = "sent", timestamp = T, country = "IN" },
            new { providerId = id, messageId = "f-1", type = "sent", timestamp = T, to = "+5511987654321" },
            new { providerId = id, messageId = "x-1", type = "sent", timestamp = T },
            new { providerId = id, messageId = "d-2", type = "sent", timestamp = T.AddDays(-1), country = "IN" },
        ];
        // Sent twice: the retry is a duplicate and moves nothing again.
        Assert.Equal(HttpStatusCode.Accepted, (await account.PostEventsAsync(sent)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await account.PostEventsAsync(sent)).StatusCode);
        await account.TotalsAfterSentinelAsync(await account.CreateProviderAsync(name: "sentinel 2"));

        var countries = await InsightAsync(account, id, "countries");
        Assert.Equal(
            """[{"country":"BR","sent":1,"delivered":0,"failed":1,"deliveryRate":0},{"country":"IN","sent":1,"delivered":2,"failed":0,"deliveryRate":200},{"country":"unknown","sent":1,"delivered":1,"failed":0,"deliveryRate":100}]""",
            countries["countries"]!.ToJsonString());
        using var reader = account.Reader();
        var both = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{id}/stats/countries?from={dayBefore}&to={Day}"));
        Assert.Equal(2, both["countries"]!.AsArray().Single(c => c!["country"]!.GetValue<string>() == "IN")!["sent"]!.GetValue<long>());
        var stats = await account.StatsAsync(id, Day, Day);
        foreach (var counter in new[] { "sent", "delivered", "failed" })
        {
            Assert.Equal(stats.Total(counter), countries["countries"]!.AsArray().Sum(c => c![counter]!.GetValue<long>()));
        }

        // The moved records say so (x-1's, whose sent event named no country, still waits under unknown), and the
        // recount counts them all.
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>();
        var codes = new List<long>();
        foreach (var key in redis.GetServers().Single().Keys(pattern: app.Services.GetRequiredService<RedisKeys>().Provider(id).DedupBuckets))
        {
            codes.AddRange((await redis.GetDatabase().HashValuesAsync(key)).Select(v => (long)v % 8));
        }
        Assert.Equal([0, 0, 0, 0, 1, 1, 2, 1 + DedupRecord.CountryPendingOffset], codes.Order());
        using var op = app.Operator();
        Assert.True(JsonNode.Parse(await op.GetStringAsync($"/v1/admin/providers/{id}/recount"))!["matches"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheOverview_ComparesProviders_ByTimeToDeliverAndTopFailure()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var quiet = await account.CreateProviderAsync(name: "quiet");
        Assert.Equal(HttpStatusCode.Accepted, (await account.PostEventsAsync(new { providerId = Id(provider), messageId = "m1", type = "sent", timestamp = T })).StatusCode);
        await PostAsync(account, provider, Group("delivered", Record("m1", T.AddSeconds(2))), Group("failed", Record("m2", T, "\"code\":\"903\""), Record("m3", T, "\"code\":\"906\""), Record("m4", T, "\"code\":\"907\"")));
        await account.TotalsAfterSentinelAsync(provider);

        using var reader = account.Reader();
        var overview = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/stats?from={Day}&to={Day}"));
        var providers = overview["providers"]!.AsArray();
        var busy = providers.Single(p => p!["providerId"]!.GetValue<string>() == Id(provider))!;
        Assert.Equal("""{"messages":1,"p50":2,"p90":2}""", busy["timeToDeliver"]!.ToJsonString());
        Assert.Equal("""{"category":"blocked","failed":2,"share":66.67}""", busy["topFailure"]!.ToJsonString());
        var idle = providers.Single(p => p!["providerId"]!.GetValue<string>() == Id(quiet))!;
        Assert.Equal("""{"messages":0,"p50":null,"p90":null}""", idle["timeToDeliver"]!.ToJsonString());
        Assert.Null(idle["topFailure"]);
    }

    [Theory]
    [InlineData("failures")]
    [InlineData("latency")]
    [InlineData("countries")]
    public async Task TheInsightRoutes_Answer404AcrossAccounts_400ForABadRange_And304ForTheirETag(string route)
    {
        var owner = await app.CreateAccountAsync();
        var other = await app.CreateAccountAsync();
        var id = Id(await owner.CreateProviderAsync());
        using var stranger = other.Reader();
        using var none = app.CreateClient();
        using var reader = owner.Reader();

        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync($"/v1/providers/{id}/stats/{route}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/v1/providers/{id}/stats/{route}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync($"/v1/providers/{id}/stats/{route}?from=2026-11-10&to=2026-11-01")).StatusCode);
        var first = await reader.GetAsync($"/v1/providers/{id}/stats/{route}");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/providers/{id}/stats/{route}");
        again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await reader.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task DeletingAProvider_RemovesItsInsights()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = Id(provider);
        await PostAsync(account, provider, Group("failed", Record("m1", T, "\"code\":\"906\"")));
        await account.TotalsAfterSentinelAsync(provider);
        await app.Services.GetRequiredService<FlushService>().FlushAllAsync(CancellationToken.None);
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var keys = app.Services.GetRequiredService<RedisKeys>().Provider(id);
        Assert.True(await redis.KeyExistsAsync(keys.FailureCodesPrefix + Day));
        await using var db = NpgsqlDataSource.Create(app.Services.GetConnectionString());
        async Task<long> RowsAsync(string table)
        {
            await using var count = db.CreateCommand($"select count(*) from {table} where provider_id = $1");
            count.Parameters.AddWithValue(id);
            return (long)(await count.ExecuteScalarAsync())!;
        }
        Assert.Equal(1, await RowsAsync("daily_failures"));
        // The failure's day and the sentinel's (today).
        Assert.Equal(2, await RowsAsync("daily_countries"));

        using var admin = account.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/providers/{id}")).StatusCode);

        Assert.False(await redis.KeyExistsAsync(keys.FailureCodesPrefix + Day));
        Assert.False(await redis.KeyExistsAsync(keys.FailureCodeDays));
        foreach (var table in new[] { "daily_failures", "daily_countries", "daily_latency" }) Assert.Equal(0, await RowsAsync(table));
    }

    private async Task PostTwilioAsync(JsonObject provider, string form)
    {
        var id = Id(provider);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/callbacks/{id}") { Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Twilio-Signature", Convert.ToBase64String(TwilioSignature.Compute("SECRET-twilio-auth-token", $"https://callbacks.example.test/v1/callbacks/{id}", FormFields.Parse(form))));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }
}
