using System.Net;
using System.Net.Http.Json;
using CallbackPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CallbackPipeline.IntegrationTests.Providers;

public sealed class FakeClockApp : PipelineApp
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

public sealed class TokenRotationTests(FakeClockApp app) : IClassFixture<FakeClockApp>
{
    private const string Delivered = """[{"event":"delivered","data":[{"ts":1715688205,"meta":"rot-1"}]}]""";

    [Fact]
    public async Task RotatedToken_KeepsWorkingForTheGracePeriod_ThenIsRefused()
    {
        var account = await app.CreateAccountAsync();
        var original = await account.CreateProviderAsync();
        using var admin = account.Admin();
        var rotated = await PipelineApp.ReadAsync(await admin.PutAsJsonAsync(
            $"/v1/providers/{original["id"]}/settings", new { rotate = new[] { "callbackToken" } }));
        Assert.NotEqual(original["callbackUrl"]!.GetValue<string>(), rotated["callbackUrl"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(original, Delivered)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(rotated, Delivered)).StatusCode);

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Unauthorized, (await account.PostCallbackAsync(original, Delivered)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(rotated, Delivered)).StatusCode);
    }

    [Fact]
    public async Task RotatingAKindWithoutToken_IsRefused()
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var provider = await account.CreateProviderAsync("twilio", settings, secrets);
        using var admin = account.Admin();
        var response = await admin.PutAsJsonAsync($"/v1/providers/{provider["id"]}/settings", new { rotate = new[] { "callbackToken" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

public sealed class NoGraceApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Callbacks:TokenRotationGrace"] = "00:00:00" };
}

public sealed class TokenRotationWithoutGraceTests(NoGraceApp app) : IClassFixture<NoGraceApp>
{
    [Fact]
    public async Task RotatedToken_IsRefusedAtOnce_WhenTheGraceIsZero()
    {
        var account = await app.CreateAccountAsync();
        var original = await account.CreateProviderAsync();
        using var admin = account.Admin();
        var rotated = await PipelineApp.ReadAsync(await admin.PutAsJsonAsync(
            $"/v1/providers/{original["id"]}/settings", new { rotate = new[] { "callbackToken" } }));

        const string body = """[{"event":"delivered","data":[{"ts":1715688205,"meta":"m"}]}]""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await account.PostCallbackAsync(original, body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(rotated, body)).StatusCode);
    }
}
