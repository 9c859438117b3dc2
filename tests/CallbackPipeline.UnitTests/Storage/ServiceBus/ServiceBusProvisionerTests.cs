using Azure;
using Azure.Messaging.ServiceBus.Administration;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;
using Microsoft.Extensions.Options;
using Moq;

namespace CallbackPipeline.UnitTests.Storage.ServiceBus;

public sealed class ServiceBusProvisionerTests
{
    private readonly Mock<ServiceBusAdministrationClient> admin = new();
    private readonly ServiceBusProvisioner provisioner;

    public ServiceBusProvisionerTests() =>
        provisioner = new ServiceBusProvisioner(admin.Object, Options.Create(new ServiceBusQueueOptions { QueueName = "cb" }), Options.Create(new QueueOptions { MaxDeliveries = 10 }));

    [Fact]
    public async Task A_missing_queue_is_created_with_duplicate_detection_and_a_delivery_limit_above_the_workers()
    {
        admin.Setup(a => a.QueueExistsAsync("cb", It.IsAny<CancellationToken>())).ReturnsAsync(Response.FromValue(false, Mock.Of<Response>()));
        CreateQueueOptions? created = null;
        admin.Setup(a => a.CreateQueueAsync(It.IsAny<CreateQueueOptions>(), It.IsAny<CancellationToken>()))
            .Callback<CreateQueueOptions, CancellationToken>((o, _) => created = o)
            .ReturnsAsync(Response.FromValue<QueueProperties>(null!, Mock.Of<Response>()));

        Assert.True(await provisioner.EnsureQueueAsync(CancellationToken.None));

        Assert.NotNull(created);
        Assert.Equal("cb", created.Name);
        Assert.True(created.RequiresDuplicateDetection);
        Assert.True(created.DeadLetteringOnMessageExpiration);
        Assert.True(created.MaxDeliveryCount > 10);
        Assert.Equal(TimeSpan.FromMinutes(1), created.LockDuration);
    }

    [Fact]
    public async Task An_existing_queue_is_left_as_it_is()
    {
        admin.Setup(a => a.QueueExistsAsync("cb", It.IsAny<CancellationToken>())).ReturnsAsync(Response.FromValue(true, Mock.Of<Response>()));

        Assert.False(await provisioner.EnsureQueueAsync(CancellationToken.None));

        admin.Verify(a => a.CreateQueueAsync(It.IsAny<CreateQueueOptions>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
