using System.Text.Json;
using CallbackPipeline.Api.Callbacks;
using CallbackPipeline.Core.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.UnitTests.Api;

public sealed class BatchCallbackAnswersTests
{
    // Not the web defaults, so an answer serialized with other options than the host's would show.
    private static readonly IOptions<JsonOptions> HostJson = Options.Create(new JsonOptions
    {
        SerializerOptions = { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseUpper },
    });

    private static async Task<(string Body, string? ContentType)> SendAsync(IResult result)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(HostJson).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (await new StreamReader(context.Response.Body).ReadToEndAsync(), context.Response.ContentType);
    }

    private static ParsedCallback Valid(int records) => new([], [], records, Ignored: records);

    [Theory]
    [InlineData(1)]
    [InlineData(BatchCallbackAnswers.MaxCachedRecords)]
    [InlineData(BatchCallbackAnswers.MaxCachedRecords + 1)]
    public async Task A_wholly_valid_batch_gets_the_success_answer_in_the_hosts_JSON_options_the_first_time_and_after(int records)
    {
        var answers = new BatchCallbackAnswers(HostJson);
        var expected = JsonSerializer.Serialize(new BatchCallbackAnswer("success", records, []), HostJson.Value.SerializerOptions);

        var first = await SendAsync(answers.For(Valid(records)));
        var again = await SendAsync(answers.For(Valid(records)));

        Assert.Equal(expected, first.Body);
        Assert.Equal(expected, again.Body);
        Assert.Equal("application/json; charset=utf-8", first.ContentType);
        Assert.Equal("application/json; charset=utf-8", again.ContentType);
    }

    [Fact]
    public async Task A_batch_with_rejected_records_gets_the_partial_answer_listing_them()
    {
        var answers = new BatchCallbackAnswers(HostJson);
        var parsed = new ParsedCallback([], [new UnprocessedItem(1, "meta missing")], Records: 3, Ignored: 2);

        var (body, _) = await SendAsync(answers.For(parsed));

        Assert.Equal("""{"STATUS":"partial","PROCESSED":2,"UNPROCESSED":[{"INDEX":1,"ERROR":"meta missing"}]}""", body);
    }
}
