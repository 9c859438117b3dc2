using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Providers;

public sealed class ProviderOperationTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Theory]
    [MemberData(nameof(ProviderKinds.All), MemberType = typeof(ProviderKinds))]
    public async Task CreatesEveryKind_WithSecretsOnlyByName(string kind)
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid(kind);
        using var admin = account.Admin();
        var response = await admin.PostAsJsonAsync("/v1/providers", new { name = $"{kind} main", kind, settings, secrets });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain("SECRET", body);
        var provider = JsonNode.Parse(body)!;
        Assert.Equal(kind, provider["kind"]!.GetValue<string>());
        Assert.Equal("active", provider["status"]!.GetValue<string>());
        Assert.False(provider["isDefault"]!.GetValue<bool>());
        Assert.True(provider["deliveryCallbacks"]!.GetValue<bool>());
        Assert.Null(provider["archivedAt"]);
        Assert.StartsWith($"https://callbacks.example.test/v1/callbacks/{provider["id"]}", provider["callbackUrl"]!.GetValue<string>());
        Assert.NotEmpty(provider["secretsSet"]!.AsArray());
    }

    [Fact]
    public async Task RejectsMissingAndInvalidFields_NamingEachOne()
    {
        var account = await app.CreateAccountAsync();
        using var admin = account.Admin();
        var response = await admin.PostAsJsonAsync("/v1/providers", new
        {
            name = "tw",
            kind = "twilio",
            settings = new { accountSid = "not-a-sid", color = "blue" },
            secrets = new { },
        });
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("settings.accountSid", errors.Select(e => e.Key));
        Assert.Contains("settings.from", errors.Select(e => e.Key));
        Assert.Contains("settings.messagingServiceSid", errors.Select(e => e.Key));
        Assert.Contains("settings.color", errors.Select(e => e.Key));
        Assert.Contains("secrets.authToken", errors.Select(e => e.Key));
        Assert.Empty(JsonNode.Parse(await admin.GetStringAsync("/v1/providers"))!.AsArray());
    }

    [Fact]
    public async Task RejectsAnUnknownKind()
    {
        var account = await app.CreateAccountAsync();
        using var admin = account.Admin();
        var response = await admin.PostAsJsonAsync("/v1/providers", new { name = "x", kind = "sinch", settings = new { }, secrets = new { } });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem["errors"]!["kind"]);
    }

    [Fact]
    public async Task EditMergesKeyByKey_NullRemovesOptional_AndRequiredStays()
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var provider = await account.CreateProviderAsync("twilio", settings, secrets);
        var id = provider["id"]!.GetValue<string>();
        using var admin = account.Admin();

        var edited = await PipelineApp.ReadAsync(await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new
        {
            name = "Twilio IN",
            settings = new { messagingServiceSid = "MG" + new string('b', 32) },
            deliveryCallbacks = false,
        }));
        Assert.Equal("Twilio IN", edited["name"]!.GetValue<string>());
        Assert.Equal("+15005550006", edited["settings"]!["from"]!.GetValue<string>());
        Assert.False(edited["deliveryCallbacks"]!.GetValue<bool>());

        var removed = await PipelineApp.ReadAsync(await admin.PutAsync($"/v1/providers/{id}/settings",
            JsonContent.Create(JsonNode.Parse("""{"settings": {"from": null}}"""))));
        Assert.Null(removed["settings"]!["from"]);
        Assert.NotNull(removed["settings"]!["messagingServiceSid"]);

        var required = await admin.PutAsync($"/v1/providers/{id}/settings", JsonContent.Create(JsonNode.Parse("""{"secrets": {"authToken": null}}""")));
        Assert.Equal(HttpStatusCode.BadRequest, required.StatusCode);
        Assert.Contains("secrets.authToken", await required.Content.ReadAsStringAsync());
        var unchanged = await PipelineApp.ReadAsync(await admin.GetAsync($"/v1/providers/{id}"));
        Assert.Contains("authToken", unchanged["secretsSet"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task EditCannotChangeTheKind()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var admin = account.Admin();
        var response = await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { kind = "twilio", name = "changed" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("kind", await response.Content.ReadAsStringAsync());
        Assert.Equal("provider", (await PipelineApp.ReadAsync(await admin.GetAsync($"/v1/providers/{id}")))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task MarkDefault_ClearsThePreviousDefault_AndRefusesArchived()
    {
        var account = await app.CreateAccountAsync();
        var first = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var second = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var admin = account.Admin();

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/providers/{first}/default", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/providers/{second}/default", null)).StatusCode);
        Assert.Equal([second], await DefaultsAsync(admin));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/providers/{first}/archive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/v1/providers/{first}/default", null)).StatusCode);
        Assert.Equal([second], await DefaultsAsync(admin));
    }

    [Fact]
    public async Task NothingBecomesDefaultByItself()
    {
        var account = await app.CreateAccountAsync();
        await account.CreateProviderAsync();
        await account.CreateProviderAsync();
        using var admin = account.Admin();
        Assert.Empty(await DefaultsAsync(admin));
    }

    [Fact]
    public async Task ConcurrentMarkDefault_LeavesExactlyOneDefault()
    {
        var account = await app.CreateAccountAsync();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++) ids.Add((await account.CreateProviderAsync())["id"]!.GetValue<string>());
        using var admin = account.Admin();

        var calls = Enumerable.Range(0, 48).Select(i => admin.PostAsync($"/v1/providers/{ids[i % ids.Count]}/default", null));
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await DefaultsAsync(admin));
    }

    [Fact]
    public async Task Archive_IsIrreversible_BlocksEditAndDefault_AndArchivingTheDefaultLeavesNone()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var admin = account.Admin();
        await admin.PostAsync($"/v1/providers/{id}/default", null);

        var archived = await PipelineApp.ReadAsync(await admin.PostAsync($"/v1/providers/{id}/archive", null));
        Assert.Equal("archived", archived["status"]!.GetValue<string>());
        Assert.NotNull(archived["archivedAt"]);
        Assert.False(archived["isDefault"]!.GetValue<bool>());
        Assert.Empty(await DefaultsAsync(admin));

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/v1/providers/{id}/archive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { name = "again" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/v1/providers/{id}/default", null)).StatusCode);

        var list = JsonNode.Parse(await admin.GetStringAsync("/v1/providers"))!.AsArray();
        Assert.Equal("archived", list.Single()!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/providers/{id}/stats")).StatusCode);
    }

    [Fact]
    public async Task Delete_RemovesTheProvider_AndItsCallbackUrlAnswers404()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        using var admin = account.Admin();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/providers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/v1/providers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/v1/providers/{id}")).StatusCode);
        var callback = await account.PostCallbackAsync(provider, """[{"event":"delivered","data":[{"ts":1715688205,"meta":"m"}]}]""");
        Assert.Equal(HttpStatusCode.NotFound, callback.StatusCode);
    }

    [Fact]
    public async Task ReadKeysSeeTheCallbackUrlWithoutItsToken()
    {
        var account = await app.CreateAccountAsync();
        var created = await account.CreateProviderAsync("infobip", ProviderKinds.Valid("infobip").Settings, ProviderKinds.Valid("infobip").Secrets);
        var id = created["id"]!.GetValue<string>();
        using var reader = account.Reader();

        Assert.Contains("?token=", created["callbackUrl"]!.GetValue<string>());
        var seen = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{id}"));
        Assert.DoesNotContain("token", seen["callbackUrl"]!.GetValue<string>());
        Assert.DoesNotContain("?token=", await reader.GetStringAsync("/v1/providers"));
    }

    private static async Task<List<string>> DefaultsAsync(HttpClient client) =>
        JsonNode.Parse(await client.GetStringAsync("/v1/providers"))!.AsArray()
            .Where(p => p!["isDefault"]!.GetValue<bool>())
            .Select(p => p!["id"]!.GetValue<string>())
            .ToList();
}
