using CallbackPipeline.Core.Providers;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Accounts;
using CallbackPipeline.Storage.Providers;
using Npgsql;

namespace CallbackPipeline.IntegrationTests.Providers;

public sealed class SecretStorageTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    [Fact]
    public async Task SecretsAreEncryptedAtRest_AndAnotherProcessCanDecryptThem()
    {
        var store = fixture.Harness.Get<ProviderStore>();
        var account = await fixture.Harness.Get<AccountStore>().CreateAsync("a", "UTC", CancellationToken.None);
        var created = await store.CreateAsync(new ProviderRecord(
            Ids.New("prv"), account.Id, "tw", ProviderKind.Twilio, false, false, true,
            new() { ["accountSid"] = "AC" + new string('a', 32), ["from"] = "+1" }, new() { ["authToken"] = "SECRET-at-rest" },
            null, null, default, null), CancellationToken.None);

        await using (var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString))
        await using (var command = db.CreateCommand("select encode(secrets, 'escape') from providers where id = $1"))
        {
            command.Parameters.AddWithValue(created.Id);
            Assert.DoesNotContain("SECRET", (string)(await command.ExecuteScalarAsync())!);
        }

        // A second process (a restart, another receiver) shares only the database.
        await using var restarted = await StorageHarness.CreateAsync(fixture.Database.ConnectionString, fixture.KeyPrefix);
        var reread = await restarted.Get<ProviderStore>().GetAsync(account.Id, created.Id, CancellationToken.None);
        Assert.Equal("SECRET-at-rest", reread!.Secrets["authToken"]!.GetValue<string>());
    }
}
