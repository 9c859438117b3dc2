using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Providers;

/// <summary>Paging of <c>GET /v1/providers</c> and of the overview's providers (docs/api.md, "Paging").</summary>
public sealed partial class PagingTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    /// <summary>Every page of <paramref name="path"/>, following <c>Link: rel="next"</c>: each page's ids and its body.</summary>
    internal static async Task<List<(List<string> Ids, JsonNode Body)>> AllPagesAsync(HttpClient client, string path, Func<JsonNode, JsonArray> items, string idName)
    {
        var pages = new List<(List<string>, JsonNode)>();
        string? next = path;
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            pages.Add((items(body).Select(p => p![idName]!.GetValue<string>()).ToList(), body));
            next = response.Headers.TryGetValues("Link", out var links) ? NextLink().Match(links.Single()).Groups[1].Value : null;
            Assert.True(pages.Count <= 20, "the pages never end");
        }
        return pages;
    }

    [Fact]
    public async Task ThePagesHoldEveryProviderOnce_InCreationOrder_AndOnlyTheLastHasNoLink()
    {
        var account = await app.CreateAccountAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add((await account.CreateProviderAsync(name: $"route {i}"))["id"]!.GetValue<string>());
        using var reader = account.Reader();

        var pages = await AllPagesAsync(reader, "/v1/providers?limit=3", b => b.AsArray(), "id");

        Assert.Equal([3, 3, 1], pages.Select(p => p.Ids.Count));
        Assert.Equal(created, pages.SelectMany(p => p.Ids));
        var whole = JsonNode.Parse(await reader.GetStringAsync("/v1/providers"))!.AsArray().Select(p => p!["id"]!.GetValue<string>());
        Assert.Equal(created, whole);
    }

    [Fact]
    public async Task TheOverviewPagesItsProviders_ButItsTotalsAndRatesCoverThemAll()
    {
        var account = await app.CreateAccountAsync();
        var providers = new List<JsonObject>();
        for (var i = 0; i < 5; i++) providers.Add(await account.CreateProviderAsync(name: $"route {i}"));
        var last = providers[^1];
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await account.PostCallbackAsync(last, $$"""[{"event":"delivered","data":[{"ts":{{ts}},"meta":"p-1"},{"ts":{{ts}},"meta":"p-2"}]}]""");
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await account.StatsUntilAsync(last["id"]!.GetValue<string>(), today, today, s => s.Total("delivered") == 2);
        using var reader = account.Reader();

        var pages = await AllPagesAsync(reader, $"/v1/stats?from={today}&to={today}&limit=2", b => b["providers"]!.AsArray(), "providerId");

        Assert.Equal([2, 2, 1], pages.Select(p => p.Ids.Count));
        Assert.Equal(providers.Select(p => p["id"]!.GetValue<string>()), pages.SelectMany(p => p.Ids));
        Assert.All(pages, p => Assert.Equal(2, p.Body["totals"]!["delivered"]!.GetValue<long>()));
        Assert.Equal(0, pages[0].Body["providers"]!.AsArray().Sum(p => p!["totals"]!["delivered"]!.GetValue<long>()));
    }

    [Fact]
    public async Task TheDefaultPageHolds100()
    {
        var account = await app.CreateAccountAsync();
        for (var i = 0; i < 101; i++) await account.CreateProviderAsync(name: $"route {i}");
        using var reader = account.Reader();

        using var first = await reader.GetAsync("/v1/providers");
        Assert.Equal(100, JsonNode.Parse(await first.Content.ReadAsStringAsync())!.AsArray().Count);
        var next = NextLink().Match(first.Headers.GetValues("Link").Single()).Groups[1].Value;
        Assert.StartsWith("/v1/providers?cursor=", next, StringComparison.Ordinal);
        using var second = await reader.GetAsync(next);
        Assert.Single(JsonNode.Parse(await second.Content.ReadAsStringAsync())!.AsArray());
        Assert.False(second.Headers.Contains("Link"));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("cursor=not-a-cursor!", "cursor")]
    [InlineData("cursor=", "cursor")]
    [InlineData("cursor=bm90aGluZw", "cursor")]
    public async Task ABadLimitOrCursor_Is400NamingIt(string query, string field)
    {
        var account = await app.CreateAccountAsync();
        await account.CreateProviderAsync();
        using var reader = account.Reader();

        foreach (var path in new[] { "/v1/providers", "/v1/stats" })
        {
            using var response = await reader.GetAsync($"{path}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.NotNull(problem["errors"]![field]);
        }
    }

    [GeneratedRegex("^<([^>]+)>; rel=\"next\"$")]
    private static partial Regex NextLink();
}
