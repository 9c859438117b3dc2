using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The real Redis and PostgreSQL the tests run against, found by environment variables with the loopback defaults
/// of deploy/local/test.sh. When they cannot be reached the tests fail, never skip: a green run proves something.
/// </summary>
public static class TestServers
{
    public static string Redis => Environment.GetEnvironmentVariable("CALLBACKPIPELINE_TEST_REDIS") ?? "127.0.0.1:26379";

    /// <summary>A 3-node Redis Cluster (deploy/local/test.sh starts one from Debian's redis-server).</summary>
    public static string RedisCluster => Environment.GetEnvironmentVariable("CALLBACKPIPELINE_TEST_REDIS_CLUSTER") ?? "127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003";

    public static string Postgres => Environment.GetEnvironmentVariable("CALLBACKPIPELINE_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=25432;Username=postgres";

    private static readonly Lazy<Task> Reachable = new(CheckAsync);

    public static Task EnsureReachableAsync() => Reachable.Value;

    private static async Task CheckAsync()
    {
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis + ",connectTimeout=3000");
            await redis.GetDatabase().PingAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"Redis is not reachable at {Redis} (CALLBACKPIPELINE_TEST_REDIS). Run deploy/local/test.sh, which starts it.", e);
        }
        try
        {
            await using var connection = new NpgsqlConnection(Postgres);
            await connection.OpenAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("PostgreSQL is not reachable (CALLBACKPIPELINE_TEST_POSTGRES). Run deploy/local/test.sh, which starts it.", e);
        }
    }
}
