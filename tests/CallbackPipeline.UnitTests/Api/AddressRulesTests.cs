using System.Net;
using CallbackPipeline.Api.Outbound;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.UnitTests.Api;

public sealed class AddressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.254", "carrier-grade NAT")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("198.18.0.1", "reserved")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd00:ec2::254", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::10.0.0.1", "private")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("2002:a9fe:a9fe::1", "link-local")]
    public void NamesTheRule_OfEveryAddressThatIsNotPublic(string address, string rule)
    {
        Assert.Equal(rule, AddressRules.NotPublicRule(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void FindsNoRule_ForAPublicAddress(string address)
    {
        Assert.Null(AddressRules.NotPublicRule(IPAddress.Parse(address)));
    }

    [Fact]
    public void AllowsEveryAddress_WhenPrivateNetworksAreAllowed()
    {
        var connector = new OutboundConnector(Options.Create(new OutboundOptions { AllowPrivateNetworks = true }));
        Assert.All(new[] { "127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fe80::1" }, a => Assert.Null(connector.Refusal(IPAddress.Parse(a))));
    }

    [Fact]
    public void AllowsTheAllowedNetworks_AndNothingElseThatIsNotPublic()
    {
        var connector = new OutboundConnector(Options.Create(new OutboundOptions { AllowedNetworks = ["10.20.0.0/16", "fd00:1::/64"] }));
        Assert.Null(connector.Refusal(IPAddress.Parse("10.20.3.4")));
        Assert.Null(connector.Refusal(IPAddress.Parse("::ffff:10.20.3.4")));
        Assert.Null(connector.Refusal(IPAddress.Parse("fd00:1::5")));
        Assert.Equal("private", connector.Refusal(IPAddress.Parse("10.21.0.1")));
        Assert.Equal("loopback", connector.Refusal(IPAddress.Parse("127.0.0.1")));
        Assert.Null(connector.Refusal(IPAddress.Parse("8.8.8.8")));
    }
}
