using CallbackPipeline.Api.Outbound;
using CallbackPipeline.Storage.Providers;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.TestSms;

/// <summary>Sends one SMS through the provider's own API with its stored credentials, and reports the provider's answer.</summary>
public sealed class TestSmsSender(IHttpClientFactory clients, IOptions<ProviderApiOptions> options)
{
    public const string ClientName = "provider-apis";

    /// <summary>The most of a provider's answer that is read: theirs are a few hundred bytes, and a URL an admin sets may answer anything.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    public async Task<TestSmsResult> SendAsync(ProviderRecord provider, string to, string body, CancellationToken cancellationToken)
    {
        var messageId = $"test-{Guid.NewGuid():N}";
        using var request = TestSmsRequests.Build(provider, options.Value, to, body, messageId);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var answer = await ReadAnswerAsync(response.Content, cancellationToken);
            var (id, error) = TestSmsRequests.Read(provider.Kind, response.IsSuccessStatusCode, answer, messageId);
            return id is not null ? TestSmsResult.Sent(id) : TestSmsResult.Failed(error!);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                   || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The exception text may carry the request URL, and a generic provider's URL may carry its API key; a
            // refusal's text names only the host and the rule.
            if (e.InnerException is OutboundRefusedException refused) return TestSmsResult.Failed($"not sent: {refused.Message}");
            return TestSmsResult.Failed(e is HttpRequestException http && http.HttpRequestError != HttpRequestError.Unknown
                ? $"could not reach the provider: {http.HttpRequestError}"
                : "could not reach the provider: no answer in time");
        }
    }

    /// <summary>The first <see cref="MaxAnswerBytes"/> of the answer, read within <see cref="ProviderApiOptions.Timeout"/>.</summary>
    private async Task<string> ReadAnswerAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        await using var stream = await content.ReadAsStreamAsync(timeout.Token);
        var buffer = new byte[MaxAnswerBytes];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), timeout.Token) is var n and > 0) read += n;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }
}
