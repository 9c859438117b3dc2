using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.IntegrationTests.Pipeline;
using Npgsql;

namespace CallbackPipeline.IntegrationTests.Observability;

public sealed class RecountTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task Recount_MatchesTheServedFigures_AndFindsADayThatWasTamperedWith()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        await account.PostEventsAsync(new { providerId = id, messageId = "r1", type = "sent" }, new { providerId = id, messageId = "r2", type = "sent" });
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{"ts":{{ts}},"meta":"r1"}]},{"event":"clicked","data":[{"ts":{{ts}},"meta":"r1","url":"https://a"},{"ts":{{ts + 1}},"meta":"r1","url":"https://a"}]}]""");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await account.StatsUntilAsync(id, today, today, s => s.Total("clicks") >= 2 && s.Total("sent") >= 2);
        using var op = app.Operator();

        var report = JsonNode.Parse(await op.GetStringAsync($"/v1/admin/providers/{id}/recount"))!;
        Assert.True(report["matches"]!.GetValue<bool>());
        var day = report["days"]!.AsArray().Single()!;
        Assert.Equal(today, day["date"]!.GetValue<string>());
        Assert.Equal((2, 1, 2, 1), (day["recounted"]!["sent"]!.GetValue<long>(), day["recounted"]!["delivered"]!.GetValue<long>(),
            day["recounted"]!["clicks"]!.GetValue<long>(), day["recounted"]!["clicked"]!.GetValue<long>()));

        // A stored row goes wrong (a bad restore, a manual edit): the recount shows the day.
        await Polling.UntilAsync(() => PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id), rows => rows.Count == 1);
        await using (var db = NpgsqlDataSource.Create(app.Services.GetConnectionString()))
        await using (var command = db.CreateCommand("update daily_stats set sent = sent + 5 where provider_id = $1"))
        {
            command.Parameters.AddWithValue(id);
            await command.ExecuteNonQueryAsync();
        }
        var tampered = JsonNode.Parse(await op.GetStringAsync($"/v1/admin/providers/{id}/recount"))!;
        Assert.False(tampered["matches"]!.GetValue<bool>());
        Assert.Equal(7, tampered["days"]![0]!["served"]!["sent"]!.GetValue<long>());
        Assert.Equal(2, tampered["days"]![0]!["recounted"]!["sent"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync("/v1/admin/providers/prv_nope/recount")).StatusCode);
        using var admin = account.Admin();
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync($"/v1/admin/providers/{id}/recount")).StatusCode);
    }
}
