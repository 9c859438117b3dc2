namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>The pipeline on a Redis primary of its own with one replica, both in its connection string.</summary>
public class ReplicatedRedisApp : PrivateRedisApp
{
    private PrivateRedis? replica;

    public PrivateRedis Replica => replica ?? throw new InvalidOperationException("Not started.");

    protected override string ConnectionOptions => $",{Replica.Endpoint}";

    // A batch refused while the roles swap is taken over after this long.
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Queue:ClaimIdle"] = "00:00:02";
            return settings;
        }
    }

    protected override async Task PrepareAsync(PrivateRedis started)
    {
        replica = await PrivateRedis.StartAsync(replicaOf: started.Endpoint);
        await Polling.UntilAsync(() => replica.ReplicationAsync("master_link_status"), status => status == "up");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (replica is not null) await replica.DisposeAsync();
        replica = null;
    }
}
