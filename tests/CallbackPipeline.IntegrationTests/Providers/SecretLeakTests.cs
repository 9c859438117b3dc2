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

    /// <summary>
    /// Where a provider's own setting says where a send goes (generic <c>sendUrl</c>, Infobip <c>baseUrl</c>), pointing it
    /// at another host would have Send Test SMS deliver the stored secrets there: such an edit must give them again.
    /// </summary>
    [Theory]
    [InlineData("generic", "sendUrl", "https://sms.example.test/send", "sendHeaders")]
    [InlineData("infobip", "baseUrl", "https://api.infobip.example.test", "apiKey")]
    public async Task MovingWhereSecretsAreSent_ToAnotherHost_NeedsTheSecretsAgain(string kind, string url, string current, string secret)
    {
        var account = await app.CreateAccountAsync();
        using var admin = account.Admin();
        var (settings, _) = ProviderKinds.Valid(kind);
        var stored = kind == "generic" ? (object)new Dictionary<string, object> { ["X-Api-Key"] = "SECRET-stored" } : "SECRET-stored";
        var created = await account.CreateProviderAsync(kind, MergeInto(settings, url, current), new Dictionary<string, object> { [secret] = stored });
        var path = $"/v1/providers/{created["id"]!.GetValue<string>()}/settings";

        var elsewhere = await admin.PutAsJsonAsync(path, new { settings = new Dictionary<string, object> { [url] = "https://collector.attacker.test/x" } });
        var problem = await elsewhere.Content.ReadAsStringAsync();
        var samePlace = await admin.PutAsJsonAsync(path, new { settings = new Dictionary<string, object> { [url] = current + "/v2" } });
        var withTheSecret = await admin.PutAsJsonAsync(path, new
        {
            settings = new Dictionary<string, object> { [url] = "https://sms.other.test" },
            secrets = new Dictionary<string, object> { [secret] = stored },
        });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Contains($"secrets.{secret}", problem);
        Assert.Equal(System.Net.HttpStatusCode.OK, samePlace.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, withTheSecret.StatusCode);
        var provider = await admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/v1/providers/{created["id"]!.GetValue<string>()}");
        Assert.Equal("https://sms.other.test", provider!["settings"]![url]!.GetValue<string>());
    }

    private static Dictionary<string, object?> MergeInto(object settings, string name, string value)
    {
        var merged = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(System.Text.Json.JsonSerializer.Serialize(settings))!;
        merged[name] = value;
        return merged;
    }
}
