using System.Net.Http.Json;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Providers;

public sealed class SecretLeakTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task NoSecretOrToken_AppearsInAnyResponseOrLogLine()
    {
        var account = await app.CreateAccountAsync();
        using var admin = account.Admin();
        using var reader = account.Reader();
        var bodies = new List<string>();
        var tokens = new List<string>();
        foreach (var kind in ProviderKinds.Names)
        {
            var (settings, secrets) = ProviderKinds.Valid(kind);
            var created = await account.CreateProviderAsync(kind, settings, secrets);
            var id = created["id"]!.GetValue<string>();
            if (created["callbackUrl"]!.GetValue<string>().Split("?token=") is [_, var token]) tokens.Add(Uri.UnescapeDataString(token));

            bodies.Add(await (await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { name = "edited", secrets })).Content.ReadAsStringAsync());
            bodies.Add(await (await admin.PostAsync($"/v1/providers/{id}/default", null)).Content.ReadAsStringAsync());
            bodies.Add(await reader.GetStringAsync($"/v1/providers/{id}"));
            await account.PostCallbackAsync(created, "[not json");
            await account.PostCallbackAsync(created, """[{"event":"delivered","data":[{"ts":1715688205,"meta":"leak"}]}]""");
        }
        bodies.Add(await admin.GetStringAsync("/v1/providers"));
        bodies.Add(await reader.GetStringAsync("/v1/providers"));

        Assert.NotEmpty(tokens);
        Assert.All(bodies, body => Assert.DoesNotContain("SECRET", body));
        var lines = app.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.DoesNotContain("SECRET", line));
        foreach (var token in tokens) Assert.All(lines, line => Assert.DoesNotContain(token, line));
        Assert.All(lines, line => Assert.DoesNotContain(account.AdminKey, line));
    }
}
