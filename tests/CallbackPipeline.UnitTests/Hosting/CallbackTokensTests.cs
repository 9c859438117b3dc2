using CallbackPipeline.Api.Callbacks;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage.Providers;

namespace CallbackPipeline.UnitTests.Hosting;

public sealed class CallbackTokensTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    private static ProviderRecord Provider(string? previous, DateTimeOffset? expires) => new(
        "prv", "acc", "p", ProviderKind.Generic, false, false, true, [], new() { ["callbackToken"] = "current-token-current-token" },
        previous, expires, Now, null);

    [Fact]
    public void AcceptsTheCurrentToken() => Assert.True(CallbackTokens.Matches(Provider(null, null), "current-token-current-token", Now));

    [Fact]
    public void AcceptsThePreviousToken_UntilItExpires()
    {
        var provider = Provider("previous-token-previous", Now.AddHours(1));
        Assert.True(CallbackTokens.Matches(provider, "previous-token-previous", Now));
        Assert.False(CallbackTokens.Matches(provider, "previous-token-previous", Now.AddHours(1)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("current-token-current-toke")]
    [InlineData("current-token-current-token ")]
    public void RefusesAnythingElse(string? token) => Assert.False(CallbackTokens.Matches(Provider(null, null), token, Now));
}
