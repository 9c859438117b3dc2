using CallbackPipeline.Api.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Providers;

/// <summary>
/// The public base URL that providers call and signatures cover: <c>Callbacks:PublicBaseUrl</c>, else the first
/// listening address. Never the request's Host header, which a caller controls.
/// </summary>
public sealed class PublicUrls(IOptions<CallbacksOptions> options, IServer server)
{
    private string? baseUrl;

    public string Base => baseUrl ??= (options.Value.PublicBaseUrl
        ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
        ?? "http://localhost").TrimEnd('/');

    public string Callback(string providerId) => $"{Base}/v1/callbacks/{providerId}";
}
