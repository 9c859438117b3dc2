using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class StatsTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly DateOnly TodayDate = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly string Today = TodayDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static readonly string WeekAgo = TodayDate.AddDays(-6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<string> SeedAsync(TestAccount account, bool deliveryCallbacks)
    {
        var provider = await account.CreateProviderAsync(deliveryCallbacks: deliveryCallbacks);
        var id = provider["id"]!.GetValue<string>();
        await account.PostEventsAsync(
            new { providerId = id, messageId = "m1", type = "sent" }, new { providerId = id, messageId = "m2", type = "sent" },
            new { providerId = id, messageId = "m3", type = "sent" }, new { providerId = id, messageId = "m4", type = "sent" });
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5;
        await account.PostCallbackAsync(provider, $$"""
            [{"event":"delivered","data":[{"ts":{{ts}},"meta":"m1"},{"ts":{{ts}},"meta":"m2"},{"ts":{{ts}},"meta":"m3"}]},
             {"event":"failed","data":[{"ts":{{ts}},"meta":"m4","code":"900"}]},
             {"event":"clicked","data":[{"ts":{{ts}},"meta":"m1","url":"https://a"},{"ts":{{ts + 1}},"meta":"m1","url":"https://a"}]}]
            """);
        await account.StatsUntilAsync(id, WeekAgo, Today, s => s.Total("clicks") >= 2 && s.Total("sent") >= 4);
        return id;
    }

    [Fact]
    public async Task ServesEveryFigure_WithDeliveryCallbacks()
    {
        var account = await app.CreateAccountAsync();
        var id = await SeedAsync(account, deliveryCallbacks: true);
        var stats = await account.StatsAsync(id, WeekAgo, Today);

        Assert.Equal(7, stats["days"]!.GetValue<int>());
        Assert.Equal(4, stats.Total("sent"));
        Assert.Equal(3, stats.Total("delivered"));
        Assert.Equal(1, stats.Total("failed"));
        Assert.Equal(2, stats.Total("clicks"));
        Assert.Equal(1, stats.Total("clicked"));
        Assert.Equal(75m, stats["deliveryRate"]!.GetValue<decimal>());
        Assert.Equal(33.33m, stats["ctr"]!.GetValue<decimal>());
        Assert.Equal(0.57m, stats["dailyAvgSent"]!.GetValue<decimal>());
        Assert.Equal(0.43m, stats["dailyAvgDelivered"]!.GetValue<decimal>());
        var series = stats["series"]!.AsArray();
        Assert.Equal(7, series.Count);
        Assert.Equal(WeekAgo, series[0]!["date"]!.GetValue<string>());
        Assert.Equal(Today, series[6]!["date"]!.GetValue<string>());
        Assert.Equal(0, series[0]!["sent"]!.GetValue<long>());
        Assert.Equal(0m, series[0]!["deliveryRate"]!.GetValue<decimal>());
        Assert.Equal(75m, series[6]!["deliveryRate"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task WithoutDeliveryCallbacks_RateIsZero_AndCtrIsOnSent()
    {
        var account = await app.CreateAccountAsync();
        var id = await SeedAsync(account, deliveryCallbacks: false);
        var stats = await account.StatsAsync(id, WeekAgo, Today);

        Assert.False(stats["deliveryCallbacks"]!.GetValue<bool>());
        Assert.Equal(0m, stats["deliveryRate"]!.GetValue<decimal>());
        Assert.Equal(25m, stats["ctr"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task AProviderWithNothing_HasZeroesEverywhere()
    {
        var account = await app.CreateAccountAsync("Asia/Kolkata");
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var reader = account.Reader();
        var stats = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{id}/stats"));

        Assert.Equal(7, stats["series"]!.AsArray().Count);
        Assert.Equal("Asia/Kolkata", stats["timeZone"]!.GetValue<string>());
        Assert.Equal(0m, stats["deliveryRate"]!.GetValue<decimal>());
        Assert.Equal(0m, stats["ctr"]!.GetValue<decimal>());
        Assert.Equal(0m, stats["dailyAvgSent"]!.GetValue<decimal>());
    }

    [Theory]
    [InlineData("from=2026-11-10&to=2026-11-01", "to")]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("to=yesterday", "to")]
    [InlineData("from=1999-12-31", "from")]
    [InlineData("from=2025-01-01&to=2026-01-02", "from")]
    public async Task BadRanges_Are400NamingTheField(string query, string field)
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var reader = account.Reader();
        foreach (var path in new[] { $"/v1/providers/{id}/stats", "/v1/stats" })
        {
            using var response = await reader.GetAsync($"{path}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.NotEmpty(problem["errors"]![field]!.AsArray());
        }
    }

    [Fact]
    public async Task TheOverview_NamesEveryBadParameterInOneAnswer()
    {
        var account = await app.CreateAccountAsync();
        using var reader = account.Reader();
        using var response = await reader.GetAsync("/v1/stats?limit=0&cursor=zz&from=x&to=2026-02-30");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.Equal(["cursor", "from", "limit", "to"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("from=2026-11-01", "2026-11-01", "2026-11-07")]
    [InlineData("to=2026-11-07", "2026-11-01", "2026-11-07")]
    [InlineData("from=2026-01-01&to=2026-12-31", "2026-01-01", "2026-12-31")]
    public async Task OneDateGiven_MeansSevenDaysFromOrToIt(string query, string from, string to)
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var reader = account.Reader();
        var stats = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{id}/stats?{query}"));
        Assert.Equal(from, stats["from"]!.GetValue<string>());
        Assert.Equal(to, stats["to"]!.GetValue<string>());
    }

    [Fact]
    public async Task ETag_Answers304UntilAFigureChanges()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var reader = account.Reader();
        var first = await reader.GetAsync($"/v1/providers/{id}/stats");
        var etag = first.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/providers/{id}/stats");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await reader.SendAsync(again)).StatusCode);

        await account.PostEventsAsync(new { providerId = id, messageId = "new", type = "sent" });
        var changed = await Polling.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/providers/{id}/stats");
            request.Headers.IfNoneMatch.Add(etag);
            return await reader.SendAsync(request);
        }, r => r.StatusCode != HttpStatusCode.NotModified);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task AccountOverview_SumsProviders_AndRatesOnlyThoseWithDeliveryCallbacks()
    {
        var account = await app.CreateAccountAsync();
        await SeedAsync(account, deliveryCallbacks: true);
        await SeedAsync(account, deliveryCallbacks: false);
        using var reader = account.Reader();
        var stats = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/stats?from={WeekAgo}&to={Today}"));

        Assert.Equal(8, stats.Total("sent"));
        Assert.Equal(6, stats.Total("delivered"));
        Assert.Equal(75m, stats["deliveryRate"]!.GetValue<decimal>());
        Assert.Equal(33.33m, stats["ctr"]!.GetValue<decimal>());
        Assert.Equal(2, stats["providers"]!.AsArray().Count);
    }

    [Fact]
    public async Task AChangeShowsOnALaterPoll_WithALaterAsOf()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var first = await account.StatsAsync(id, WeekAgo, Today);

        await account.PostEventsAsync(new { providerId = id, messageId = "m1", type = "sent" });
        var changed = await account.StatsUntilAsync(id, WeekAgo, Today, s => s.Total("sent") == 1);

        Assert.True(changed["asOf"]!.GetValue<DateTimeOffset>() > first["asOf"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task ADeletedProvider_LeavesTheAccountOverviewAtOnce()
    {
        var account = await app.CreateAccountAsync();
        var kept = (await account.CreateProviderAsync(name: "kept"))["id"]!.GetValue<string>();
        var deleted = (await account.CreateProviderAsync(name: "deleted"))["id"]!.GetValue<string>();
        using var reader = account.Reader();
        var before = await PipelineApp.ReadAsync(await reader.GetAsync("/v1/stats"));
        Assert.Equal(2, before["providers"]!.AsArray().Count);

        using var admin = account.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/providers/{deleted}")).StatusCode);
        var after = await PipelineApp.ReadAsync(await reader.GetAsync("/v1/stats"));

        Assert.Equal([kept], after["providers"]!.AsArray().Select(p => p!["providerId"]!.GetValue<string>()));
    }
}
