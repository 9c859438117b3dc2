using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>The queue on a Service Bus namespace that refuses connections: receivers must answer 503, not hang or lose.</summary>
public sealed class ServiceBusDownApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Queue:Transport"] = "servicebus",
        ["ConnectionStrings:servicebus"] = "Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=test;SharedAccessKey=bm90LWEtcmVhbC1rZXk=;UseDevelopmentEmulator=true",
        ["Queue:ServiceBus:TryTimeout"] = "00:00:01",
        ["Queue:ServiceBus:MaxRetries"] = "0",
    };
}
