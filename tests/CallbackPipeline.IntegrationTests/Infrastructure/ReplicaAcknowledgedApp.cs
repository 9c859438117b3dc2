namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The pipeline on a Redis primary with one replica, which must acknowledge every queued callback and cut batch
/// within 200 ms (Redis:WaitForReplicas 1). It flushes on its own only when it starts (every 10 minutes after): a test runs
/// each flush pass itself.
/// </summary>
public class ReplicaAcknowledgedApp : ReplicatedRedisApp
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Redis:WaitForReplicas"] = "1";
            settings["Redis:ReplicaTimeout"] = "00:00:00.200";
            settings["Flush:Interval"] = "00:10:00";
            return settings;
        }
    }
}

/// <summary>The same, with a pending batch taken over only after 10 minutes: what acknowledges it in a test is its own worker.</summary>
public sealed class SlowTakeoverReplicaApp : ReplicaAcknowledgedApp
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Queue:ClaimIdle"] = "00:10:00";
            return settings;
        }
    }
}

/// <summary>The same, with Queue:MaxDeliveries 1: an outage of a few claim times delivers a message more often than that.</summary>
public sealed class OneDeliveryReplicaApp : ReplicaAcknowledgedApp
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Queue:MaxDeliveries"] = "1";
            return settings;
        }
    }
}
