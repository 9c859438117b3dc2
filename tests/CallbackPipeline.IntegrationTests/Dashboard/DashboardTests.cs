using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CallbackPipeline.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace CallbackPipeline.IntegrationTests.Dashboard;

public sealed class DashboardTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    /// <summary>A provider with a week of traffic: 4 sent, 3 delivered, 1 error and 2 clicks (1 clicked message) today.</summary>
    private async Task<(TestAccount Account, JsonObject Provider)> SeedAsync(string name = "MSG91 India")
    {
        var account = await app.CreateAccountAsync("Asia/Kolkata");
        var provider = await account.CreateProviderAsync(name: name);
        var id = provider["id"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        await account.PostEventsAsync(Enumerable.Range(1, 4).Select(i => (object)new { providerId = id, messageId = $"m{i}", type = "sent", timestamp = now }).ToArray());
        var ts = now.ToUnixTimeSeconds();
        await account.PostCallbackAsync(provider, $$"""
            [{"event":"delivered","data":[{"ts":{{ts}},"meta":"m1"},{"ts":{{ts}},"meta":"m2"},{"ts":{{ts}},"meta":"m3"}]},
             {"event":"failed","data":[{"ts":{{ts}},"meta":"m4","code":"900"}]},
             {"event":"clicked","data":[{"ts":{{ts}},"meta":"m1","url":"https://a"},{"ts":{{ts + 1}},"meta":"m1","url":"https://a"}]}]
            """);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")).DateTime)
            .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await account.StatsUntilAsync(id, today, today, s => s.Total("clicks") >= 2 && s.Total("failed") >= 1 && s.Total("sent") >= 4);
        return (account, provider);
    }

    private static ILocator Card(IPage page, string figure) => page.Locator($"#cards [data-figure='{figure}']");

    /// <summary>The seeded provider's page, signed in with the account's read key, once its figures are drawn.</summary>
    private async Task<IPage> SeededProviderPageAsync()
    {
        var (account, _) = await SeedAsync();
        var page = await app.SignedInPageAsync(account.ReadKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "MSG91 India" }).ClickAsync();
        await Assertions.Expect(Card(page, "sent")).ToHaveTextAsync("4");
        return page;
    }

    [Fact]
    public async Task AdminSignsIn_SeesTheProviders_AndTheStatsCardsShowTheSeededFigures()
    {
        var (account, provider) = await SeedAsync();
        var page = await app.SignedInPageAsync(account.AdminKey);

        await page.GetByRole(AriaRole.Link, new() { Name = "MSG91 India" }).ClickAsync();
        await Assertions.Expect(Card(page, "sent")).ToHaveTextAsync("4");
        await Assertions.Expect(Card(page, "delivered")).ToHaveTextAsync("3");
        await Assertions.Expect(Card(page, "clicks")).ToHaveTextAsync("2");
        await Assertions.Expect(Card(page, "failed")).ToHaveTextAsync("1");
        await Assertions.Expect(Card(page, "deliveryRate")).ToHaveTextAsync("75%");
        await Assertions.Expect(page.Locator("dd[data-figure='clicked']")).ToHaveTextAsync("1");
        // The period's CTR: 1 clicked message of 3 delivered.
        await Assertions.Expect(page.Locator("#stats [data-figure='ctr']")).ToHaveTextAsync("33.33%");
        await Assertions.Expect(page.Locator("#no-callbacks")).ToBeHiddenAsync();
        Assert.Equal(7, await page.EvaluateAsync<int>("window.callbackPipelineCharts.delivery.data[0].length"));
        Assert.DoesNotContain(account.AdminKey, page.Url);

        Assert.Equal(provider["id"]!.GetValue<string>(), Uri.UnescapeDataString(page.Url.Split("#/providers/")[1]));
    }

    [Fact]
    public async Task AWeekOfTraffic_IsDrawnDayByDay()
    {
        var account = await app.CreateAccountAsync("Asia/Kolkata");
        var provider = await account.CreateProviderAsync(name: "Twilio IN");
        var id = provider["id"]!.GetValue<string>();
        var sent = new List<object>();
        var deliveries = new List<string>();
        var clicks = new List<string>();
        for (var day = 6; day >= 0; day--)
        {
            var at = DateTimeOffset.UtcNow.AddDays(-day).AddMinutes(-10);
            var ts = at.ToUnixTimeSeconds();
            for (var i = 0; i < 20 + (day * 7 % 11); i++)
            {
                var messageId = $"d{day}-{i}";
                sent.Add(new { providerId = id, messageId, type = i % 9 == 0 ? "failed" : "sent", timestamp = at });
                if (i % 9 != 0 && i % 6 != 0) deliveries.Add($$"""{"ts":{{ts}},"meta":"{{messageId}}"}""");
                if (i % 4 == 0) clicks.Add($$"""{"ts":{{ts}},"meta":"{{messageId}}","url":"https://shop.example/{{i}}"}""");
            }
        }
        await account.PostEventsAsync([.. sent]);
        await account.PostCallbackAsync(provider,
            $$"""[{"event":"delivered","data":[{{string.Join(",", deliveries)}}]},{"event":"clicked","data":[{{string.Join(",", clicks)}}]}]""");
        var page = await app.SignedInPageAsync(account.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Twilio IN" }).ClickAsync();
        await Assertions.Expect(Card(page, "clicks")).Not.ToHaveTextAsync("–");

        var sentPerDay = await page.EvaluateAsync<int[]>("window.callbackPipelineCharts.delivery.data[1]");
        Assert.Equal(7, sentPerDay.Length);
        Assert.True(sentPerDay.Count(n => n > 0) >= 6);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "callbackpipeline-dashboard-stats.png"), FullPage = true });
    }

    /// <summary>
    /// Six messages sent 10 minutes ago: three to India (by number), two to the US (by country), one without a
    /// destination. Four are delivered, two 3 s after they were sent and two 45 s after; one US message and the one
    /// without a destination fail with generic codes 905 (unreachable) and 910 (invalid number).
    /// </summary>
    private async Task<(TestAccount Account, JsonObject Provider)> SeedInsightsAsync(string name)
    {
        var account = await app.CreateAccountAsync("Asia/Kolkata");
        var provider = await account.CreateProviderAsync(name: name);
        var id = provider["id"]!.GetValue<string>();
        var sentAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        await account.PostEventsAsync(
            new { providerId = id, messageId = "i1", type = "sent", timestamp = sentAt, to = "+919812345678" },
            new { providerId = id, messageId = "i2", type = "sent", timestamp = sentAt, to = "+919812345679" },
            new { providerId = id, messageId = "i3", type = "sent", timestamp = sentAt, to = "+919812345670" },
            new { providerId = id, messageId = "i4", type = "sent", timestamp = sentAt, country = "US" },
            new { providerId = id, messageId = "i5", type = "sent", timestamp = sentAt, country = "US" },
            new { providerId = id, messageId = "i6", type = "sent", timestamp = sentAt });
        var ts = sentAt.ToUnixTimeSeconds();
        await account.PostCallbackAsync(provider, $$"""
            [{"event":"delivered","data":[{"ts":{{ts + 3}},"meta":"i1"},{"ts":{{ts + 3}},"meta":"i2"},{"ts":{{ts + 45}},"meta":"i3"},{"ts":{{ts + 45}},"meta":"i4"}]},
             {"event":"failed","data":[{"ts":{{ts + 5}},"meta":"i5","code":"905"},{"ts":{{ts + 5}},"meta":"i6","code":"910"}]}]
            """);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")).DateTime)
            .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await account.StatsUntilAsync(id, today, today, s => s.Total("sent") >= 6 && s.Total("delivered") >= 4 && s.Total("failed") >= 2);
        return (account, provider);
    }

    [Fact]
    public async Task TheProviderPage_ShowsWhyMessagesFail_HowFastTheyLand_AndWhere()
    {
        var (account, _) = await SeedInsightsAsync("Insight Route");
        var page = await app.SignedInPageAsync(account.ReadKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Insight Route" }).ClickAsync();
        await Assertions.Expect(Card(page, "failed")).ToHaveTextAsync("2");

        var categories = page.Locator("#failure-categories tbody tr");
        await Assertions.Expect(categories).ToHaveCountAsync(2);
        await Assertions.Expect(categories.Nth(0)).ToHaveTextAsync(new Regex("^Invalid number\\s*1\\s*50%$"));
        await Assertions.Expect(categories.Nth(1)).ToHaveTextAsync(new Regex("^Unreachable\\s*1\\s*50%$"));
        await Assertions.Expect(page.Locator("#failure-codes tr[data-code='905']")).ToContainTextAsync("Failed subscriber error");
        await Assertions.Expect(page.Locator("#failure-codes tr[data-code='910']")).ToContainTextAsync("Invalid subscriber");

        await Assertions.Expect(page.Locator("#latency [data-latency='messages']")).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator("#latency [data-latency='p50']")).ToHaveTextAsync("≤ 5 s");
        await Assertions.Expect(page.Locator("#latency [data-latency='p90']")).ToHaveTextAsync("≤ 1 min");
        await Assertions.Expect(page.Locator("#latency [data-latency='p99']")).ToHaveTextAsync("≤ 1 min");
        await Assertions.Expect(page.Locator("#latency-buckets tr[data-le='5'] td").First).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#latency-buckets tr[data-le='60'] td").First).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#latency-buckets tbody tr")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("#latency-buckets tr[data-le='10'] td").First).ToHaveTextAsync("0");
        Assert.Equal(7, await page.EvaluateAsync<int>("window.callbackPipelineCharts.latency.data[0].length"));
        var today = await page.EvaluateAsync<int[]>("window.callbackPipelineCharts.latency.data.slice(1).map(s => s.at(-1))");
        Assert.Equal([5, 60], today);

        var countries = page.Locator("#country-rows tbody tr");
        await Assertions.Expect(countries).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#country-rows tr[data-country='IN']")).ToHaveTextAsync(new Regex("India \\(IN\\)\\s*3\\s*3\\s*0\\s*100%"));
        await Assertions.Expect(page.Locator("#country-rows tr[data-country='US']")).ToHaveTextAsync(new Regex("\\(US\\)\\s*2\\s*1\\s*1\\s*50%"));
        await Assertions.Expect(page.Locator("#country-rows tr[data-country='unknown']")).ToHaveTextAsync(new Regex("Unknown\\s*1\\s*0\\s*1\\s*0%"));
        var top = (await page.Locator("#failures").BoundingBoxAsync())!;
        var bottom = (await page.Locator("#countries").BoundingBoxAsync())!;
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(Path.GetTempPath(), "callbackpipeline-dashboard-insights.png"),
            FullPage = true,
            Clip = new Clip { X = top.X - 8, Y = top.Y - 8, Width = top.Width + 16, Height = bottom.Y + bottom.Height - top.Y + 16 },
        });
    }

    [Fact]
    public async Task TheProvidersList_ComparesDeliveryRate_TimeToDeliver_AndTopFailure()
    {
        var (account, _) = await SeedInsightsAsync("Compared Route");
        await account.CreateProviderAsync(name: "Quiet Route");
        await account.CreateProviderAsync(name: "Blind Route", deliveryCallbacks: false);
        var page = await app.SignedInPageAsync(account.ReadKey);

        var compared = page.Locator("tr").Filter(new() { HasText = "Compared Route" });
        await Assertions.Expect(compared.Locator("[data-figure='deliveryRate']")).ToHaveTextAsync("66.67%");
        await Assertions.Expect(compared.Locator("[data-figure='timeToDeliver']")).ToHaveTextAsync("≤ 5 s / ≤ 1 min");
        await Assertions.Expect(compared.Locator("[data-figure='topFailure']")).ToHaveTextAsync("Invalid number (50%)");
        var quiet = page.Locator("tr").Filter(new() { HasText = "Quiet Route" });
        await Assertions.Expect(quiet.Locator("[data-figure='timeToDeliver']")).ToHaveTextAsync("–");
        await Assertions.Expect(quiet.Locator("[data-figure='topFailure']")).ToHaveTextAsync("None");
        // Without delivery callbacks the delivery rate is shown as zero, as on the provider's own page.
        await Assertions.Expect(page.Locator("tr").Filter(new() { HasText = "Blind Route" }).Locator("[data-figure='deliveryRate']")).ToHaveTextAsync("0%");
        await Assertions.Expect(page.Locator("#comparison-range")).ToHaveTextAsync("Last 7 days in Asia/Kolkata");
    }

    [Fact]
    public async Task TheProvidersList_ShowsAPageOf100_AndTheRestOnAsking()
    {
        var account = await app.CreateAccountAsync();
        for (var i = 0; i < 101; i++) await account.CreateProviderAsync(name: $"Route {i:D3}");
        var page = await app.SignedInPageAsync(account.ReadKey);

        var rows = page.Locator("#provider-rows tr");
        await Assertions.Expect(rows).ToHaveCountAsync(100);
        await Assertions.Expect(rows.Last).ToContainTextAsync("Route 099");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show more providers" }).ClickAsync();

        await Assertions.Expect(rows).ToHaveCountAsync(101);
        await Assertions.Expect(rows.Last).ToContainTextAsync("Route 100");
        await Assertions.Expect(rows.Last.Locator("[data-figure='topFailure']")).ToHaveTextAsync("None");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Show more providers" })).ToBeHiddenAsync();
    }

    [Fact]
    public async Task TogglingASeries_HidesItFromTheDeliveryChart()
    {
        var page = await SeededProviderPageAsync();

        await page.GetByLabel("Total Errors").UncheckAsync();

        Assert.False(await page.EvaluateAsync<bool>("window.callbackPipelineCharts.delivery.series[2].show"));
        Assert.True(await page.EvaluateAsync<bool>("window.callbackPipelineCharts.delivery.series[1].show"));
        await Assertions.Expect(page.Locator("#chart-delivery .u-legend tr.u-series").Nth(2)).ToHaveClassAsync(new Regex("u-off"));
    }

    [Fact]
    public async Task AFailedLoad_ShowsItsProblem_AndTheNextGoodLoadTakesItAway()
    {
        var page = await SeededProviderPageAsync();
        await page.RouteAsync(new Regex("/stats\\?from="), route => route.FulfillAsync(new()
        {
            Status = 503, ContentType = "application/problem+json", Body = """{"title":"Service Unavailable","status":503,"detail":"Redis is unavailable."}""",
        }));

        await page.GetByRole(AriaRole.Combobox, new() { Name = "Date range" }).SelectOptionAsync("30");
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("Redis is unavailable.");

        await page.UnrouteAllAsync();
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Date range" }).SelectOptionAsync("7");
        await Assertions.Expect(page.Locator("#error")).ToBeHiddenAsync();
        await Assertions.Expect(Card(page, "sent")).ToHaveTextAsync("4");
    }

    [Fact]
    public async Task AKeyThatStopsWorkingOnAProviderPage_SignsOut_SayingWhy()
    {
        var page = await SeededProviderPageAsync();
        await page.RouteAsync(new Regex("/stats\\?from="), route => route.FulfillAsync(new()
        {
            Status = 401, ContentType = "application/problem+json", Body = """{"title":"Unauthorized","status":401}""",
        }));

        await page.GetByRole(AriaRole.Combobox, new() { Name = "Date range" }).SelectOptionAsync("30");

        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("Your key is no longer valid. Sign in again.");
        await Assertions.Expect(page.Locator("#sign-out")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task ACustomRangeThatEndsBeforeItStarts_IsRefusedWithTheReason()
    {
        var page = await SeededProviderPageAsync();

        await page.GetByRole(AriaRole.Combobox, new() { Name = "Date range" }).SelectOptionAsync("custom");
        await page.GetByLabel("From", new() { Exact = true }).FillAsync("2026-11-10");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("2026-11-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("from, to: from must not be after to");
    }

    [Fact]
    public async Task ArchivingThroughTheMenu_AsksFirst_AndShowsTheNewStatus()
    {
        var account = await app.CreateAccountAsync();
        await account.CreateProviderAsync(name: "Old Route");
        var page = await app.SignedInPageAsync(account.AdminKey);

        await page.GetByRole(AriaRole.Button, new() { Name = "Actions for Old Route" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Archive" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("cannot be undone");
        await Assertions.Expect(dialog).ToContainTextAsync("stats stay available");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Archive" }).ClickAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Old Route" });
        await Assertions.Expect(row).ToContainTextAsync("Archived");
        using var admin = account.Admin();
        Assert.Contains("\"archived\"", await admin.GetStringAsync("/v1/providers"));
    }

    [Fact]
    public async Task DeletingAsksFirst_AndSaysAllDataGoes()
    {
        var account = await app.CreateAccountAsync();
        await account.CreateProviderAsync(name: "Doomed");
        var page = await app.SignedInPageAsync(account.AdminKey);

        await page.GetByRole(AriaRole.Button, new() { Name = "Actions for Doomed" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Delete" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("removes the provider and all its data");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

        await Assertions.Expect(page.Locator("#providers-status")).ToContainTextAsync("No providers yet");
    }

    [Fact]
    public async Task AReadKey_SeesNoActions()
    {
        var (account, _) = await SeedAsync("Read Only Route");
        var page = await app.SignedInPageAsync(account.ReadKey);

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Read Only Route" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Actions for Read Only Route" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#account-role")).ToHaveTextAsync("Read only");
    }

    [Fact]
    public async Task AWrongKey_IsRefusedWithAClearMessage()
    {
        var context = await app.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.BaseUrl);
        await page.GetByLabel("API key").FillAsync("cbp_wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That key is not valid.");
        await Assertions.Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task EditSettings_SendsATestSmsAndSavesTheName()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync(name: "Editable");
        var page = await app.SignedInPageAsync(account.AdminKey);

        await page.GetByRole(AriaRole.Button, new() { Name = "Actions for Editable" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Edit settings" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        // The URL to give the provider, with its token, as the API shows it to admin keys.
        await Assertions.Expect(dialog.GetByLabel("Callback URL")).ToHaveValueAsync(provider["callbackUrl"]!.GetValue<string>());
        Assert.Contains("?token=", provider["callbackUrl"]!.GetValue<string>());
        await dialog.GetByLabel("To (E.164)").FillAsync("not-a-number");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Send Test SMS" }).ClickAsync();
        await Assertions.Expect(dialog.Locator("#test-result")).ToContainTextAsync("E.164");
        await dialog.GetByLabel("Name").FillAsync("Edited Route");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edited Route" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task OnAPhoneWidthScreen_TheStatsStillFit()
    {
        var (account, _) = await SeedAsync("Mobile Route");
        var page = await app.SignedInPageAsync(account.ReadKey, width: 375);
        await page.GetByRole(AriaRole.Link, new() { Name = "Mobile Route" }).ClickAsync();
        await Assertions.Expect(Card(page, "sent")).ToHaveTextAsync("4");

        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
    }
}
