using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The host as it is deployed: its own process (the built CallbackPipeline.Api.dll beside the tests), on a loopback
/// port of its own, against the real Redis and a database of its own, with everything it writes to the console kept.
/// For what only the real process shows: console log lines, the listening sockets.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly TestDatabase database;

    private HostProcess(Process process, TestDatabase database, string baseUrl)
    {
        (this.process, this.database, BaseUrl) = (process, database, baseUrl);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    /// <summary>Every line the process wrote to stdout or stderr, in the order read.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    public static async Task<HostProcess> StartAsync(IDictionary<string, string>? settings = null)
    {
        var database = await TestDatabase.CreateAsync();
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var host = new HostProcess(Process.Start(StartInfo(database, baseUrl, settings))!, database, baseUrl);
        await host.WaitUntilReadyAsync();
        return host;
    }

    /// <summary>
    /// The host started with <paramref name="settings"/> (and <paramref name="arguments"/> after its own), for a run that
    /// ends by itself (a start-up that must fail, a command): its exit code and what it wrote.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IDictionary<string, string> settings, params string[] arguments)
    {
        var (database, baseUrl) = (await TestDatabase.CreateAsync(), $"http://127.0.0.1:{FreePort()}");
        await using var host = new HostProcess(Process.Start(StartInfo(database, baseUrl, settings, arguments))!, database, baseUrl);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.process.WaitForExitAsync(timeout.Token);
        // The parameterless wait also waits for the redirected output to be read to its end.
        host.process.WaitForExit();
        return (host.process.ExitCode, string.Join('\n', host.Output));
    }

    private static ProcessStartInfo StartInfo(TestDatabase database, string baseUrl, IDictionary<string, string>? settings, string[]? arguments = null)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CallbackPipeline.Api.dll"), "--contentRoot", AppContext.BaseDirectory, .. arguments ?? []])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = TestServers.Redis,
            ["ConnectionStrings__postgres"] = database.ConnectionString,
            ["Redis__KeyPrefix"] = $"p{Guid.NewGuid():N}",
            ["Auth__OperatorKey"] = PipelineApp.OperatorKey,
            ["ASPNETCORE_URLS"] = baseUrl,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return start;
    }

    /// <summary>A client for the host, with <paramref name="key"/> as its bearer key.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    /// <summary>Waits until a line matching <paramref name="match"/> has been written, and returns every line so far.</summary>
    public async Task<string[]> OutputUntilAsync(Func<string, bool> match) =>
        await Polling.UntilAsync(() => Task.FromResult(Output.ToArray()), lines => lines.Any(match));

    private async Task WaitUntilReadyAsync()
    {
        using var client = Client();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until && !process.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"The host did not start: {string.Join('\n', Output)}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        await database.DisposeAsync();
    }
}
