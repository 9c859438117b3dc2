using System.Globalization;
using CallbackPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class TimeZoneTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task AnEventAt2000Utc_CountsOnTheNextDay_InKolkata()
    {
        var account = await app.CreateAccountAsync("Asia/Kolkata");
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        var at = new DateTimeOffset(yesterday.ToDateTime(new TimeOnly(20, 0)), TimeSpan.Zero);
        await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{"ts":{{at.ToUnixTimeSeconds()}},"meta":"k1"}]}]""");

        var from = yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = yesterday.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var stats = await account.StatsUntilAsync(id, from, to, s => s.Total("delivered") >= 1);
        var series = stats["series"]!.AsArray();
        Assert.Equal(0, series[0]!["delivered"]!.GetValue<long>());
        Assert.Equal(1, series[1]!["delivered"]!.GetValue<long>());
    }
}

/// <summary>A clock just after New York's 2026 fall-back day, so events on it are inside the lateness window.</summary>
public sealed class NewYorkAutumnApp : PipelineApp
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 3, 12, 0, 0, TimeSpan.Zero));

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

public sealed class DaylightSavingTests(NewYorkAutumnApp app) : IClassFixture<NewYorkAutumnApp>
{
    [Fact]
    public async Task TheFallBackDay_HasTwentyFiveHoursOfEvents_InNewYork()
    {
        var account = await app.CreateAccountAsync("America/New_York");
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        (string Utc, string Meta)[] events =
        [
            ("2026-11-01T03:30:00Z", "oct31-2330-edt"),
            ("2026-11-01T04:30:00Z", "nov1-0030-edt"),
            ("2026-11-01T05:30:00Z", "nov1-0130-edt"),
            ("2026-11-01T06:30:00Z", "nov1-0130-est"),
            ("2026-11-02T04:30:00Z", "nov1-2330-est"),
            ("2026-11-02T05:30:00Z", "nov2-0030-est"),
        ];
        var records = string.Join(",", events.Select(e =>
            $$"""{"ts":{{DateTimeOffset.Parse(e.Utc, CultureInfo.InvariantCulture).ToUnixTimeSeconds()}},"meta":"{{e.Meta}}"}"""));
        await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{{records}}]}]""");

        var stats = await account.StatsUntilAsync(id, "2026-10-31", "2026-11-02", s => s.Total("delivered") >= 6);
        var byDay = stats["series"]!.AsArray().ToDictionary(d => d!["date"]!.GetValue<string>(), d => d!["delivered"]!.GetValue<long>());
        Assert.Equal(1, byDay["2026-10-31"]);
        Assert.Equal(4, byDay["2026-11-01"]);
        Assert.Equal(1, byDay["2026-11-02"]);
    }
}
