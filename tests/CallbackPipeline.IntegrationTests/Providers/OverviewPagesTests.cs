using System.Globalization;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Providers;

/// <summary>The pipeline with stats answers kept for a minute, so what one read of the figures serves can be seen.</summary>
public sealed class KeptStatsApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Stats:RefreshAfter"] = "00:00:10",
        ["Stats:MaxAge"] = "00:01:00",
    };
}

/// <summary>The overview's pages are cut from one read of every provider's figures (docs/api.md, "Paging").</summary>
public sealed class OverviewPagesTests(KeptStatsApp app) : IClassFixture<KeptStatsApp>
{
    [Fact]
    public async Task EveryPageOfTheOverview_ComesFromOneReadOfTheAccountsFigures()
    {
        var account = await app.CreateAccountAsync();
        for (var i = 0; i < 5; i++) await account.CreateProviderAsync(name: $"route {i}");
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var reader = account.Reader();

        var pages = await PagingTests.AllPagesAsync(reader, $"/v1/stats?from={today}&to={today}&limit=2", b => b["providers"]!.AsArray(), "providerId");

        Assert.Equal([2, 2, 1], pages.Select(p => p.Ids.Count));
        // One read answers them all: the time it was made is the same on every page.
        Assert.Single(pages.Select(p => p.Body["asOf"]!.GetValue<string>()).Distinct());
    }
}
