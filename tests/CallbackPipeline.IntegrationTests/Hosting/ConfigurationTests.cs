using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Hosting;

/// <summary>A bad setting stops the process before it serves or migrates: exit code 2 and a line naming the key.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Callbacks__MaxBodyBytes", "1", "MaxBodyBytes")]
    [InlineData("Callbacks__MaxBodyBytes", "lots", "Callbacks:MaxBodyBytes")]
    [InlineData("Database__MigrateOnStart", "maybe", "Database:MigrateOnStart")]
    [InlineData("Load__BaselineEndpoint", "maybe", "Load:BaselineEndpoint")]
    [InlineData("Flush__Interval", "soon", "Flush:Interval")]
    [InlineData("Counting__DedupGenerations", "0", "DedupGenerations")]
    [InlineData("Redis__ReplicaTimeout", "00:00:00", "ReplicaTimeout")]
    [InlineData("Role", "chef", "Role")]
    public async Task ABadSetting_EndsStartUpWithExitCode2_NamingTheKey(string key, string value, string named)
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(new Dictionary<string, string> { [key] = value });

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("Configuration error:", StringComparison.Ordinal));
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoBadSections_AreBothNamedInOneLine()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Counting__DedupGenerations"] = "0",
            ["Stats__MaxAge"] = "-00:00:01",
        });

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("Configuration error:", StringComparison.Ordinal));
        Assert.Contains("DedupGenerations", line, StringComparison.Ordinal);
        Assert.Contains("MaxAge", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_NeedsTheStoresSettingsOnly_NotAnOperatorKey()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(new Dictionary<string, string> { ["Auth__OperatorKey"] = "" }, "migrate");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Applied ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_StillRefusesABadStoreSetting()
    {
        var (exitCode, output) = await HostProcess.RunToExitAsync(new Dictionary<string, string> { ["Counting__DedupGenerations"] = "0" }, "migrate");

        Assert.Equal(2, exitCode);
        Assert.Contains("DedupGenerations", output, StringComparison.Ordinal);
    }
}
