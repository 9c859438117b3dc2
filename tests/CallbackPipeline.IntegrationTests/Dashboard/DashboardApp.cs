using CallbackPipeline.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CallbackPipeline.IntegrationTests.Dashboard;

/// <summary>
/// The pipeline on a real loopback port (Kestrel, not the in-memory test server) and Debian's Chromium driven by
/// Playwright, for tests of what a person sees.
/// </summary>
public sealed class DashboardApp : PipelineApp
{
    public DashboardApp() => UseKestrel(0);

    public IBrowser Browser { get; private set; } = null!;

    private IPlaywright? playwright;

    public string BaseUrl => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CALLBACKPIPELINE_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A fresh page, signed in with <paramref name="key"/>.</summary>
    public async Task<IPage> SignedInPageAsync(string key, int width = 1200)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 1400 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl);
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Providers", Exact = true }).WaitForAsync();
        return page;
    }
}
