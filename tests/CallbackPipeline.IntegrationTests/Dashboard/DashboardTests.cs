using System.Globalization;
using System.Text.Json.Nodes;
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

    [Fact]
    public async Task TogglingASeries_HidesItFromTheDeliveryChart()
    {
        var (account, _) = await SeedAsync();
        var page = await app.SignedInPageAsync(account.ReadKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "MSG91 India" }).ClickAsync();
        await Assertions.Expect(Card(page, "sent")).ToHaveTextAsync("4");

        await page.GetByLabel("Total Errors").UncheckAsync();

        Assert.False(await page.EvaluateAsync<bool>("window.callbackPipelineCharts.delivery.series[2].show"));
        Assert.True(await page.EvaluateAsync<bool>("window.callbackPipelineCharts.delivery.series[1].show"));
        await Assertions.Expect(page.Locator("#chart-delivery .u-legend tr.u-series").Nth(2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("u-off"));
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
        await account.CreateProviderAsync(name: "Editable");
        var page = await app.SignedInPageAsync(account.AdminKey);

        await page.GetByRole(AriaRole.Button, new() { Name = "Actions for Editable" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Edit settings" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
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
