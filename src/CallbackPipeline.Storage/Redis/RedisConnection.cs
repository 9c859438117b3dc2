using StackExchange.Redis;

namespace CallbackPipeline.Storage.Redis;

/// <summary>How every connection of the host to Redis is made from <c>ConnectionStrings:redis</c>, and which primaries it reaches.</summary>
public static class RedisConnection
{
    public static ConnectionMultiplexer Connect(string connection)
    {
        var redis = ConfigurationOptions.Parse(connection);
        redis.AbortOnConnectFail = false;
        // After a failover (a managed service's maintenance, Redis's FAILOVER) the client finds the new primary by
        // its periodic role check; at the client's default of 60 s every write would be refused for up to a minute.
        if (!connection.Contains("configCheckSeconds", StringComparison.OrdinalIgnoreCase)) redis.ConfigCheckSeconds = 5;
        // The .NET thread pool rather than the client's own dedicated I/O threads: on a small box those threads
        // competed with the request threads (half the receiver's CPU samples ran on them under ingest).
        redis.SocketManager = SocketManager.ThreadPool;
        return ConnectionMultiplexer.Connect(redis);
    }

    /// <summary>The primaries the connection is connected to right now.</summary>
    public static IServer[] Primaries(IConnectionMultiplexer redis) => redis.GetServers().Where(s => s.IsConnected && !s.IsReplica).ToArray();
}
