using System.Net;
using System.Net.Sockets;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Observability;

/// <summary>The pipeline on two real ports: the public one and <c>Management:Port</c>.</summary>
public sealed class ManagementPortApp : PipelineApp
{
    public ManagementPortApp()
    {
        (PublicPort, ManagementPort) = (FreePort(), FreePort());
        UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, PublicPort);
            k.Listen(IPAddress.Loopback, ManagementPort);
        });
    }

    public int PublicPort { get; }

    public int ManagementPort { get; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Management:Port"] = ManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

public sealed class ManagementPortTests(ManagementPortApp app) : IClassFixture<ManagementPortApp>
{
    [Fact]
    public async Task MetricsAndReadiness_AreServedOnlyOnTheManagementPort()
    {
        using var http = new HttpClient();
        var publicBase = $"http://127.0.0.1:{app.PublicPort}";
        var managementBase = $"http://127.0.0.1:{app.ManagementPort}";

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{publicBase}/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{publicBase}/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{publicBase}/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{managementBase}/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{managementBase}/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{managementBase}/healthz")).StatusCode);
    }

    [Fact]
    public async Task TheManagementPort_ServesNothingButHealthAndMetrics()
    {
        using var http = new HttpClient();
        var publicBase = $"http://127.0.0.1:{app.PublicPort}";
        var managementBase = $"http://127.0.0.1:{app.ManagementPort}";
        using var accounts = new HttpRequestMessage(HttpMethod.Get, $"{managementBase}/v1/accounts");
        accounts.Headers.Authorization = new("Bearer", PipelineApp.OperatorKey);

        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(accounts)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{managementBase}/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{managementBase}/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync($"{managementBase}/v1/callbacks/prv_any", new StringContent("[]"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{publicBase}/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{publicBase}/openapi/v1.json")).StatusCode);
    }
}
