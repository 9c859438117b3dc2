using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Hosting;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Accounts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CallbackPipeline.IntegrationTests.Accounts;

public sealed class AccountTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task CreatesListsGetsAndRenamesAnAccount()
    {
        using var op = app.Operator();
        var created = await op.PostAsJsonAsync("/v1/accounts", new { name = "acme", timeZone = "Asia/Kolkata" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var account = await PipelineApp.ReadAsync(created);
        var id = account["id"]!.GetValue<string>();
        Assert.Equal("Asia/Kolkata", account["timeZone"]!.GetValue<string>());

        var list = JsonNode.Parse(await op.GetStringAsync("/v1/accounts"))!.AsArray();
        Assert.Contains(list, a => a!["id"]!.GetValue<string>() == id);

        var patched = await PipelineApp.ReadAsync(await op.PatchAsJsonAsync($"/v1/accounts/{id}", new { name = "acme-in", timeZone = "America/New_York" }));
        Assert.Equal("acme-in", patched["name"]!.GetValue<string>());
        Assert.Equal("America/New_York", patched["timeZone"]!.GetValue<string>());
        var fetched = await PipelineApp.ReadAsync(await op.GetAsync($"/v1/accounts/{id}"));
        Assert.Equal("acme-in", fetched["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData("India Standard Time")]
    public async Task RejectsAnUnknownTimeZone_WithAProblemNamingTheField(string zone)
    {
        using var op = app.Operator();
        var response = await op.PostAsJsonAsync("/v1/accounts", new { name = "x", timeZone = zone });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(problem["errors"]!["timeZone"]);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("nul\u0000")]
    [InlineData("   ")]
    public async Task RejectsANameWithControlCharactersOrNothingInIt(string name)
    {
        using var op = app.Operator();
        var response = await op.PostAsJsonAsync("/v1/accounts", new { name, timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"name\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PatchRejectsAnUnknownZone_AndChangesNothing()
    {
        var account = await app.CreateAccountAsync("Asia/Kolkata");
        using var op = app.Operator();
        var response = await op.PatchAsJsonAsync($"/v1/accounts/{account.Id}", new { name = "renamed", timeZone = "Nowhere/Land" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fetched = await PipelineApp.ReadAsync(await op.GetAsync($"/v1/accounts/{account.Id}"));
        Assert.Equal("Asia/Kolkata", fetched["timeZone"]!.GetValue<string>());
        Assert.Equal("acct", fetched["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownAccount_Is404()
    {
        using var op = app.Operator();
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync("/v1/accounts/acc_nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await op.PostAsJsonAsync("/v1/accounts/acc_nope/keys", new { name = "k", role = "read" })).StatusCode);
        // 404 before 400: a bad change to an account that does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await op.PatchAsJsonAsync("/v1/accounts/acc_nope", new { timeZone = "Mars/Olympus" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await op.PostAsJsonAsync("/v1/accounts/acc_nope/keys", new { name = "", role = "owner" })).StatusCode);
    }

    [Fact]
    public async Task KeyIsShownOnlyAtCreation_AndStoredAsAHash()
    {
        var account = await app.CreateAccountAsync();
        using var op = app.Operator();
        var created = await PipelineApp.ReadAsync(await op.PostAsJsonAsync($"/v1/accounts/{account.Id}/keys", new { name = "ci", role = "admin" }));
        var secret = created["key"]!.GetValue<string>();

        var listing = await op.GetStringAsync($"/v1/accounts/{account.Id}/keys");
        Assert.DoesNotContain(secret, listing);
        Assert.Contains("\"ci\"", listing);

        await using var db = NpgsqlDataSource.Create(app.Services.GetConnectionString());
        await using var command = db.CreateCommand("select row_to_json(k)::text from api_keys k");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) Assert.DoesNotContain(secret, reader.GetString(0));
    }

    [Fact]
    public async Task RejectsAKeyWithAnUnknownRole()
    {
        var account = await app.CreateAccountAsync();
        using var op = app.Operator();
        var response = await op.PostAsJsonAsync($"/v1/accounts/{account.Id}/keys", new { name = "k", role = "owner" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RevokedKey_StopsWorkingWithinASecond()
    {
        var account = await app.CreateAccountAsync();
        using var op = app.Operator();
        var created = await PipelineApp.ReadAsync(await op.PostAsJsonAsync($"/v1/accounts/{account.Id}/keys", new { name = "tmp", role = "read" }));
        // The host's own resolver, on a clock of the test's: the second is counted, not waited for.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var resolver = new CallerResolver(app.Services.GetRequiredService<ApiKeyStore>(), app.Services.GetRequiredService<IOptions<AuthOptions>>(), clock);
        var request = new DefaultHttpContext().Request;
        request.Headers.Authorization = $"Bearer {created["key"]}";
        Assert.Equal(account.Id, (await resolver.ResolveAsync(request, CancellationToken.None))?.AccountId);

        Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync($"/v1/accounts/{account.Id}/keys/{created["id"]}")).StatusCode);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(account.Id, (await resolver.ResolveAsync(request, CancellationToken.None))?.AccountId);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await resolver.ResolveAsync(request, CancellationToken.None));

        // Through the host, on its own clock: refused once its second has passed.
        using var client = app.ClientWithKey(created["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Polling.UntilAsync(() => client.GetAsync("/v1/providers"), r => r.StatusCode == HttpStatusCode.Unauthorized)).StatusCode);
    }

    [Fact]
    public async Task AccountRoutes_TakeOnlyTheOperatorKey()
    {
        var account = await app.CreateAccountAsync();
        using var none = app.ClientWithKey(null);
        using var wrong = app.ClientWithKey("cbp_not-a-real-key");
        using var admin = account.Admin();

        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync("/v1/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/v1/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/v1/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync($"/v1/accounts/{account.Id}")).StatusCode);
    }
}
