using CallbackPipeline.Api.Hosting;
using CallbackPipeline.ServiceDefaults;
using CallbackPipeline.Storage;
using CallbackPipeline.Worker;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.UnitTests.Hosting;

/// <summary>Start-up refuses a bad setting with a message naming its key. Nothing here opens a socket.</summary>
public sealed class OptionsValidationTests
{
    private static readonly Dictionary<string, string?> Good = new()
    {
        ["ConnectionStrings:redis"] = "127.0.0.1:1",
        ["ConnectionStrings:postgres"] = "Host=127.0.0.1;Port=1",
        ["Auth:OperatorKey"] = "an-operator-key-long-enough-123",
    };

    private static void Validate(Dictionary<string, string?> overrides)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(Good.Concat(overrides).GroupBy(p => p.Key).Select(g => g.Last()));
        builder.AddServiceDefaults();
        builder.AddStorage();
        builder.AddWorker();
        builder.AddApi();
        using var app = builder.Build();
        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void GoodSettings_Validate() => Validate([]);

    [Theory]
    [InlineData("Queue:BatchSize", "0", "BatchSize")]
    [InlineData("Queue:MaxDepth", "-5", "MaxDepth")]
    [InlineData("Queue:Transport", "kafka", "Queue:Transport")]
    [InlineData("Queue:ClaimIdle", "02:00:00", "ClaimIdle")]
    [InlineData("Counting:DedupWindow", "00:10:00", "DedupWindow")]
    [InlineData("Flush:Interval", "00:00:00", "Interval")]
    [InlineData("Callbacks:MaxBodyBytes", "10", "MaxBodyBytes")]
    [InlineData("Callbacks:PublicBaseUrl", "not a url", "Callbacks:PublicBaseUrl")]
    [InlineData("Callbacks:AuthFailuresPerMinute", "-1", "AuthFailuresPerMinute")]
    [InlineData("Callbacks:RequestHeadersTimeout", "00:00:00", "RequestHeadersTimeout")]
    [InlineData("Callbacks:MinBodyBytesPerSecond", "0", "MinBodyBytesPerSecond")]
    [InlineData("Callbacks:MinBodyRateGrace", "00:00:01", "MinBodyRateGrace")]
    [InlineData("Auth:OperatorKey", "short", "Auth:OperatorKey")]
    [InlineData("ConnectionStrings:redis", null, "ConnectionStrings:redis")]
    [InlineData("Redis:KeyPrefix", "has{brace}", "Redis:KeyPrefix")]
    public void ABadValue_StopsStartUp_NamingTheKey(string key, string? value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Validate(new() { [key] = value }));
        Assert.Contains(named, string.Join(" ", error.Failures));
    }

    [Fact]
    public void ServiceBusWithoutItsConnectionString_StopsStartUp_NamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Validate(new() { ["Queue:Transport"] = "servicebus" }));
        Assert.Contains("ConnectionStrings:servicebus", string.Join(" ", error.Failures));
    }

    [Theory]
    [InlineData("Queue:ServiceBus:QueueName", "has space", "QueueName")]
    [InlineData("Queue:ServiceBus:MaxEventsPerMessage", "0", "MaxEventsPerMessage")]
    [InlineData("Queue:ServiceBus:StatsRefresh", "00:00:00.100", "StatsRefresh")]
    public void ABadServiceBusValue_StopsStartUp_NamingTheKey(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Validate(new()
        {
            ["Queue:Transport"] = "servicebus",
            ["ConnectionStrings:servicebus"] = "Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0",
            [key] = value,
        }));
        Assert.Contains(named, string.Join(" ", error.Failures));
    }

    [Fact]
    public void AnUnknownRole_StopsStartUp_NamingTheSetting()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Role"] = "frontend" }).Build();
        var error = Assert.Throws<InvalidRoleException>(() => HostRole.From(config));
        Assert.Contains("Role", error.Message);
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData("receiver", true, false)]
    [InlineData("worker", false, true)]
    public void Roles_ChooseWhatRuns(string? role, bool api, bool worker)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Role"] = role }).Build();
        var parsed = HostRole.From(config);
        Assert.Equal((api, worker), (parsed.RunsApi, parsed.RunsWorker));
    }
}
