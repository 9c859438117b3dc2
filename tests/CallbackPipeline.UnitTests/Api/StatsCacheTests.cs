using System.Text.Json;
using CallbackPipeline.Api.Stats;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallbackPipeline.UnitTests.Api;

public sealed class StatsCacheTests
{
    private readonly FakeTimeProvider clock = new();
    private readonly StatsOptions settings = new() { RefreshAfter = TimeSpan.FromMilliseconds(100), MaxAge = TimeSpan.FromSeconds(1) };
    private int reads;

    private StatsCache Cache() => new(clock, Options.Create(settings));

    /// <summary>A read whose answer says which read it was.</summary>
    private Task<StatsAnswer> Read() => Task.FromResult(StatsAnswer.Of(Interlocked.Increment(ref reads), reads, JsonSerializerOptions.Default));

    private static string Text(StatsAnswer answer) => System.Text.Encoding.UTF8.GetString(answer.Body);

    /// <summary>A read that waits until the test releases it.</summary>
    private (Func<Task<StatsAnswer>> Read, TaskCompletionSource Release) Gated()
    {
        var release = new TaskCompletionSource();
        return (async () =>
        {
            await release.Task;
            return await Read();
        }, release);
    }

    [Fact]
    public async Task AnAnswerYoungerThanRefreshAfter_IsServedWithoutARead()
    {
        var cache = Cache();
        await cache.GetAsync("acc", "q", Read);
        clock.Advance(TimeSpan.FromMilliseconds(99));
        var again = await cache.GetAsync("acc", "q", Read);

        Assert.Equal("1", Text(again));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task AnAnswerPastRefreshAfter_IsServed_WhileOneReadReplacesIt()
    {
        var cache = Cache();
        await cache.GetAsync("acc", "q", Read);
        clock.Advance(TimeSpan.FromMilliseconds(150));
        var (slowRead, release) = Gated();

        var first = await cache.GetAsync("acc", "q", slowRead);
        var second = await cache.GetAsync("acc", "q", slowRead);
        Assert.Equal("1", Text(first));
        Assert.Equal("1", Text(second));
        release.SetResult();
        Assert.Equal("2", Text(await cache.GetAsync("acc", "q", Read)));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task AnAnswerPastMaxAge_IsNeverServed()
    {
        var cache = Cache();
        await cache.GetAsync("acc", "q", Read);
        clock.Advance(TimeSpan.FromMilliseconds(1001));

        Assert.Equal("2", Text(await cache.GetAsync("acc", "q", Read)));
    }

    [Fact]
    public async Task PollsArrivingDuringARead_ShareIt()
    {
        var cache = Cache();
        var (slowRead, release) = Gated();

        var polls = Enumerable.Range(0, 5).Select(_ => cache.GetAsync("acc", "q", slowRead)).ToList();
        release.SetResult();
        var answers = await Task.WhenAll(polls);

        Assert.All(answers, a => Assert.Equal("1", Text(a)));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task AFailedBackgroundRead_LeavesTheAnswerUntilMaxAge_ThenTheRequestSeesTheFailure()
    {
        var cache = Cache();
        await cache.GetAsync("acc", "q", Read);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var failed = 0;
        Task<StatsAnswer> Failing()
        {
            failed++;
            return Task.FromException<StatsAnswer>(new InvalidOperationException("redis down"));
        }

        Assert.Equal("1", Text(await cache.GetAsync("acc", "q", Failing)));
        Assert.Equal("1", Text(await cache.GetAsync("acc", "q", Failing)));
        Assert.Equal(2, failed);
        clock.Advance(TimeSpan.FromMilliseconds(501));
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync("acc", "q", Failing));
        Assert.Equal(3, failed);
        Assert.Equal("2", Text(await cache.GetAsync("acc", "q", Read)));
    }

    [Fact]
    public async Task Problems_AreNotKept()
    {
        var cache = Cache();
        var notFound = StatsAnswer.Failed(Results.NotFound());
        Assert.Same(notFound, await cache.GetAsync("acc", "q", () => Task.FromResult(notFound)));

        Assert.Equal("1", Text(await cache.GetAsync("acc", "q", Read)));
    }

    [Fact]
    public async Task Forget_DropsOnlyThatAccountsAnswers_AndKeysTellQueriesApart()
    {
        var cache = Cache();
        await cache.GetAsync("acc", "q", Read);
        await cache.GetAsync("other", "q", Read);
        await cache.GetAsync("acc", "q2", Read);
        cache.Forget("acc");

        Assert.Equal("4", Text(await cache.GetAsync("acc", "q", Read)));
        Assert.Equal("2", Text(await cache.GetAsync("other", "q", Read)));
    }

    [Fact]
    public async Task AMaxAgeOfZero_ReadsEveryTime()
    {
        settings.MaxAge = TimeSpan.Zero;
        var cache = Cache();
        await cache.GetAsync("acc", "q", Read);

        Assert.Equal("2", Text(await cache.GetAsync("acc", "q", Read)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IfNoneMatch_WithTheAnswersETag_StrongOrWeak_Is304(bool weak)
    {
        var answer = await Cache().GetAsync("acc", "q", Read);
        var context = new DefaultHttpContext();
        context.Request.Headers.IfNoneMatch = "\"other\", " + (weak ? "W/" : "") + answer.ETag;

        var result = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.StatusCodeHttpResult>(answer.Send(context));
        Assert.Equal(StatusCodes.Status304NotModified, result.StatusCode);
        Assert.Equal(answer.ETag, context.Response.Headers.ETag.ToString());
    }
}
