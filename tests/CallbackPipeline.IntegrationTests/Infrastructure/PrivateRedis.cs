using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A redis-server of a test's own (CALLBACKPIPELINE_TEST_REDIS_SERVER, else the one on the PATH), for tests that change
/// its configuration, which the shared test Redis must keep: a free loopback port, no persistence, killed on dispose.
/// </summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private readonly Process process;
    private readonly string directory;
    private readonly ConnectionMultiplexer admin;

    private PrivateRedis(Process process, string directory, string endpoint, ConnectionMultiplexer admin) =>
        (this.process, this.directory, Endpoint, this.admin) = (process, directory, endpoint, admin);

    public string Endpoint { get; }

    /// <summary>Starts a Redis, a replica of <paramref name="replicaOf"/> (host:port) when given.</summary>
    public static async Task<PrivateRedis> StartAsync(string? replicaOf = null)
    {
        var binary = Environment.GetEnvironmentVariable("CALLBACKPIPELINE_TEST_REDIS_SERVER") is { Length: > 0 } path ? path : "redis-server";
        var directory = Directory.CreateTempSubdirectory("cbp-redis-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo(binary) { UseShellExecute = false };
        foreach (var arg in new[] { "--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory, "--logfile", "redis.log" })
        {
            start.ArgumentList.Add(arg);
        }
        if (replicaOf is not null)
        {
            start.ArgumentList.Add("--replicaof");
            foreach (var part in replicaOf.Split(':')) start.ArgumentList.Add(part);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start.");
        var endpoint = $"127.0.0.1:{port}";
        try
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                try
                {
                    var admin = await ConnectionMultiplexer.ConnectAsync($"{endpoint},allowAdmin=true,connectTimeout=500");
                    // The port was free when chosen; make sure it is this process that took it.
                    var pid = (await admin.GetServer(endpoint).InfoAsync("server")).SelectMany(g => g).First(p => p.Key == "process_id").Value;
                    if (pid != $"{process.Id}")
                    {
                        await admin.DisposeAsync();
                        throw new InvalidOperationException($"Port {port} is another Redis's (process {pid}).");
                    }
                    return new PrivateRedis(process, directory, endpoint, admin);
                }
                catch (RedisConnectionException) when (DateTime.UtcNow < until && !process.HasExited)
                {
                    await Task.Delay(50);
                }
            }
        }
        catch
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public Task ConfigSetAsync(string setting, string value) => admin.GetServer(Endpoint).ConfigSetAsync(setting, value);

    public Task<RedisResult> ExecuteAsync(string command, params object[] args) => admin.GetServer(Endpoint).ExecuteAsync(command, args);

    /// <summary>This server's <c>INFO replication</c> field, e.g. <c>role</c> or <c>master_link_status</c>.</summary>
    public async Task<string?> ReplicationAsync(string field) =>
        (await admin.GetServer(Endpoint).InfoAsync("replication")).SelectMany(g => g).FirstOrDefault(p => p.Key == field).Value;

    public IDatabase Database => admin.GetDatabase();

    /// <summary>
    /// Stops the server where it stands (SIGSTOP): its connections stay open and nothing on them is answered, as when a
    /// replica is cut off by the network.
    /// </summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    public Task ThawAsync() => SignalAsync("CONT");

    /// <summary>Runs <paramref name="run"/> while the server is frozen, and thaws it after, whatever happens.</summary>
    public async Task<T> WhileFrozenAsync<T>(Func<Task<T>> run)
    {
        await FreezeAsync();
        try
        {
            return await run();
        }
        finally
        {
            await ThawAsync();
        }
    }

    /// <summary>Ends the server at once, as a lost machine: whatever it had not replicated is gone.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", $"{process.Id}"]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {process.Id} failed.");
    }

    public async ValueTask DisposeAsync()
    {
        await admin.DisposeAsync();
        if (!process.HasExited) process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
