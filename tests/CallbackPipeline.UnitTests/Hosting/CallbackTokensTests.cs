using CallbackPipeline.Api.Callbacks;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage.Providers;

namespace CallbackPipeline.UnitTests.Hosting;

public sealed class CallbackTokensTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    private static CallbackTokens Provider(string? previous, DateTimeOffset? expires, string? current = "current-token-current-token") =>
        new(new ProviderRecord("prv", "acc", "p", ProviderKind.Generic, false, false, true, [], new() { ["callbackToken"] = current },
            previous, expires, Now, null));

    [Fact]
    public void AcceptsTheCurrentToken() => Assert.True(Provider(null, null).Matches("current-token-current-token", Now));

    [Fact]
    public void AcceptsThePreviousToken_UntilItExpires()
    {
        var provider = Provider("previous-token-previous", Now.AddHours(1));
        Assert.True(provider.Matches("previous-token-previous", Now));
        Assert.False(provider.Matches("previous-token-previous", Now.AddHours(1)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("current-token-current-toke")]
    [InlineData("current-token-current-token ")]
    public void RefusesAnythingElse(string? token) => Assert.False(Provider(null, null).Matches(token, Now));

    [Theory]
    [InlineData("\0")]
    [InlineData("current-token-current-token")]
    public void AProviderWithoutATokenRefusesEveryToken(string token) =>
        Assert.False(Provider(null, Now.AddHours(1), current: null).Matches(token, Now));
}
