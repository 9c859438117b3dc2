using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Generic;

namespace CallbackPipeline.UnitTests.Core;

public sealed class GenericCallbackParserTests
{
    private const string Meta = "919812345678.1234567890.1715688100.20240514.0.wzrk_default.-1.";

    private static ParsedCallback Parse(string json) => GenericCallbackParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ParsesADeliveredRecord_WithMetaAsTheMessageIdAndTsAsTheTime()
    {
        var parsed = Parse($$"""[{"event":"delivered","data":[{"ts":1715688205,"meta":"{{Meta}}","description":"Delivered to handset"}]}]""");

        var e = Assert.Single(parsed.Events);
        Assert.Equal(new ParsedEvent(EventKind.Delivered, Meta, null, DateTimeOffset.FromUnixTimeSeconds(1715688205)), e);
        Assert.Empty(parsed.Unprocessed);
    }

    [Fact]
    public void AcceptsCodeAsStringOrNumber_AndIgnoresUnknownKeys()
    {
        var parsed = Parse("""[{"event":"failed","data":[{"ts":1715688210,"meta":"a","code":"906","INMSID":"0"},{"ts":"1715688211","meta":"b","code":900}]}]""");
        Assert.Equal(2, parsed.Events.Count);
        Assert.All(parsed.Events, e => Assert.Equal(EventKind.Failed, e.Kind));
    }

    [Fact]
    public void ReadsBothShortUrlSpellings_AndTellsClicksApartByTimeAndUrl()
    {
        var parsed = Parse("""
            [{"event":"clicked","data":[
              {"ts":1715689000,"meta":"a","url":"https://x/1","shortUrl":"s/1"},
              {"ts":1715689000,"meta":"a","url":"https://x/1","shorturl":"s/1"},
              {"ts":1715689001,"meta":"a","url":"https://x/1"},
              {"ts":1715689000,"meta":"a","shorturl":"s/2"}]}]
            """);
        var distinct = parsed.Events.Select(e => e.Distinct).ToList();

        Assert.Equal(distinct[0], distinct[1]);
        Assert.Equal(3, distinct.Distinct().Count());
    }

    [Fact]
    public void ListsInvalidRecords_ByTheirIndexAcrossGroups()
    {
        var parsed = Parse("""
            [{"event":"delivered","data":[{"ts":1715688205,"meta":"ok"},{"ts":1715688205}]},
             {"event":"failed","data":[{"meta":"x","ts":1715688205123},"not an object",{"ts":1715688205,"meta":""}]}]
            """);

        Assert.Single(parsed.Events);
        Assert.Equal([1, 2, 3, 4], parsed.Unprocessed.Select(u => u.Index));
        Assert.Contains("meta", parsed.Unprocessed[0].Error);
        Assert.Contains("ts", parsed.Unprocessed[1].Error);
        Assert.Equal(1, parsed.Processed);
    }

    [Fact]
    public void UnknownEventNames_AreAcceptedAndIgnored()
    {
        var parsed = Parse("""[{"event":"opened","data":[{"ts":1715688205,"meta":"a"},{"ts":1715688206,"meta":"b"}]}]""");
        Assert.Empty(parsed.Events);
        Assert.Equal(2, parsed.Ignored);
        Assert.Equal(2, parsed.Processed);
    }

    [Fact]
    public void AMessageIdOverTheLimit_IsAnInvalidRecord()
    {
        var parsed = Parse($$"""[{"event":"delivered","data":[{"ts":1715688205,"meta":"{{new string('m', GenericCallbackParser.MaxMessageIdLength + 1)}}"}]}]""");
        Assert.Single(parsed.Unprocessed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("""[{"data":[]}]""")]
    [InlineData("""[{"event":"delivered","data":"x"}]""")]
    [InlineData("[]")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")]
    public void RejectsWhatIsNotTheFormat(string json) =>
        Assert.Throws<CallbackFormatException>(() => Parse(json));

    [Fact]
    public void RejectsInvalidUtf8()
    {
        byte[] body = [(byte)'[', 0xC3, 0x28, (byte)']'];
        Assert.Throws<CallbackFormatException>(() => GenericCallbackParser.Parse(body));
    }
}
