using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.UnitTests.Insights;

public sealed class InsightRulesTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(-5, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 2)]
    [InlineData(6, 3)]
    [InlineData(259_200, 15)]
    [InlineData(259_201, 16)]
    public void ATimeExactlyOnABound_IsInThatBoundsBucket_AndBeyondTheLastInTheOpenOne(long seconds, int bucket)
    {
        Assert.Equal(bucket, LatencyBuckets.Of(seconds));
    }

    [Fact]
    public void APercentile_IsTheBoundOfTheFirstBucketWhoseRunningSumReachesItsRank()
    {
        var counts = new long[LatencyBuckets.Count];
        counts[0] = 5;  // le 1
        counts[2] = 4;  // le 5
        counts[6] = 1;  // le 60
        Assert.Equal(1, LatencyBuckets.Percentile(counts, 0.5));   // rank 5 reaches at le 1
        Assert.Equal(5, LatencyBuckets.Percentile(counts, 0.51));  // rank 6
        Assert.Equal(5, LatencyBuckets.Percentile(counts, 0.9));   // rank 9
        Assert.Equal(60, LatencyBuckets.Percentile(counts, 0.99)); // rank 10
        counts[16] = 90;
        Assert.Null(LatencyBuckets.Percentile(counts, 0.5));       // the open bucket
        Assert.Null(LatencyBuckets.Percentile(new long[LatencyBuckets.Count], 0.5));
    }

    [Theory]
    [InlineData("generic", "901", "blocked")]
    [InlineData("generic", "902", "blocked")]
    [InlineData("generic", "906", "blocked")]
    [InlineData("generic", "907", "blocked")]
    [InlineData("generic", "908", "blocked")]
    [InlineData("generic", "909", "blocked")]
    [InlineData("generic", "913", "blocked")]
    [InlineData("generic", "919", "blocked")]
    [InlineData("generic", "903", "opted_out")]
    [InlineData("generic", "904", "provider_error")]
    [InlineData("generic", "905", "unreachable")]
    [InlineData("generic", "912", "unreachable")]
    [InlineData("generic", "910", "invalid_number")]
    [InlineData("generic", "916", "expired")]
    [InlineData("generic", "917", "expired")]
    [InlineData("generic", "900", "rejected")]
    [InlineData("generic", "914", "rejected")]
    [InlineData("generic", "915", "rejected")]
    [InlineData("generic", "918", "rejected")]
    [InlineData("generic", "920", "rejected")]
    [InlineData("twilio", "30003", "unreachable")]
    [InlineData("twilio", "30005", "invalid_number")]
    [InlineData("twilio", "30007", "blocked")]
    [InlineData("twilio", "21610", "opted_out")]
    [InlineData("vonage", "2", "unreachable")]
    [InlineData("vonage", "3", "unreachable")]
    [InlineData("vonage", "12", "unreachable")]
    [InlineData("vonage", "9", "invalid_number")]
    [InlineData("vonage", "6", "blocked")]
    [InlineData("vonage", "14", "blocked")]
    [InlineData("twilio", "99999", "unknown")]
    [InlineData("generic", "none", "unknown")]
    public void TheCategoryTable_HasTheCodesTheContractFixes(string kind, string code, string category)
    {
        Assert.True(ProviderKindSpec.TryParse(kind, out var k));
        Assert.Equal(category, FailureCodes.Lookup(k, code).Category);
    }

    [Fact]
    public void ADescription_IsTheTables_AndNoneForACodeTheProviderDescribesItself()
    {
        Assert.Equal("Blocked by DLT (header)", FailureCodes.Lookup(ProviderKind.Generic, "906").Description);
        Assert.Null(FailureCodes.Lookup(ProviderKind.Generic, "900").Description);
        Assert.Null(FailureCodes.Lookup(ProviderKind.Twilio, "99999").Description);
    }

    [Theory]
    [InlineData(null, "none")]
    [InlineData("  ", "none")]
    [InlineData(" 30007 ", "30007")]
    [InlineData("a\nb", "a?b")]
    public void ACode_IsTrimmedAndMadeSafe_NoneWhenMissing(string? code, string kept)
    {
        Assert.Equal(kept, FailureCodes.Normalize(code));
        Assert.Equal(FailureCodes.MaxCodeLength, FailureCodes.Normalize(new string('x', 100)).Length);
    }

    [Theory]
    [InlineData("+919812345678", "IN")]
    [InlineData("919812345678", "IN")]
    [InlineData("+14155550123", "US")]
    [InlineData("+447700900123", "GB")]
    [InlineData("+77012345678", "KZ")]
    [InlineData("+5511987654321", "BR")]
    [InlineData("+38349123456", "XK")]
    [InlineData("not a number", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ANumber_MapsToItsRegion_OrToItsCallingCodesMainRegion(string? number, string? country)
    {
        Assert.Equal(country, Countries.OfNumber(number));
    }

    [Fact]
    public void TheCountryTable_FitsInAByte_AndEveryCodeRoundTrips()
    {
        Assert.InRange(Countries.Count, 250, 256);
        Assert.Equal(0, Countries.Index("unknown"));
        Assert.Equal(0, Countries.Index("ZZ"));
        Assert.All(Enumerable.Range(1, Countries.Count - 1), i => Assert.Equal(i, Countries.Index(Countries.Code(i))));
        Assert.True(Countries.IsCountry("AQ"));
        Assert.False(Countries.IsCountry("in"));
    }

    [Fact]
    public void Codes_ListTheTwentyLargest_ThenTheRestAsOther_AndCategoriesSumThemAll()
    {
        var insights = new DayInsights();
        for (var i = 0; i < 25; i++) insights.AddFailure($"c{i:D2}", 25 - i);
        insights.AddFailure("30007", 100);
        insights.AddFailure(FailureCodes.Other, 3);
        insights.Describe("c00", "first description");
        var total = insights.Failures.Values.Sum();

        var codes = InsightFigures.Codes(ProviderKind.Twilio, insights, total);
        Assert.Equal(21, codes.Count);
        Assert.Equal(("30007", "blocked"), (codes[0].Code, codes[0].Category));
        Assert.Equal("first description", codes[1].Description);
        Assert.Equal(new CodeFigure(FailureCodes.Other, "", "unknown", 3 + 6 + 5 + 4 + 3 + 2 + 1, CallbackPipeline.Core.Stats.Figures.Percent(24, total)), codes[^1]);
        Assert.Equal(total, codes.Sum(c => c.Failed));

        var categories = InsightFigures.Categories(ProviderKind.Twilio, insights, total);
        Assert.Equal(["unknown", "blocked"], categories.Select(c => c.Category));
        Assert.Equal(total, categories.Sum(c => c.Failed));
        Assert.Equal(categories[0], InsightFigures.TopFailure(ProviderKind.Twilio, insights, total));
        Assert.Null(InsightFigures.TopFailure(ProviderKind.Twilio, new DayInsights(), 0));
    }

    [Fact]
    public void Shares_AreOfTheFailedCounter_WhichDaysCountedBeforeInsightsHoldWithoutCodes()
    {
        var insights = new DayInsights();
        insights.AddFailure("30007", 3);
        insights.AddFailure("30003", 1);

        Assert.Equal([75m, 25m], InsightFigures.Codes(ProviderKind.Twilio, insights, 4).Select(c => c.Share));
        Assert.Equal([30m, 10m], InsightFigures.Codes(ProviderKind.Twilio, insights, 10).Select(c => c.Share));
        Assert.Equal([30m, 10m], InsightFigures.Categories(ProviderKind.Twilio, insights, 10).Select(c => c.Share));
        Assert.Equal(new CategoryFigure("blocked", 3, 30m), InsightFigures.TopFailure(ProviderKind.Twilio, insights, 10));
    }

    [Fact]
    public void ARangesDescription_IsTheOneItsEarliestDaySent_WhateverOrderTheDaysWereRead()
    {
        DayInsights Day(string description)
        {
            var day = new DayInsights();
            day.AddFailure("E-9", 1);
            day.Describe("E-9", description);
            return day;
        }
        var days = new Dictionary<DateOnly, DayInsights>
        {
            [new DateOnly(2026, 11, 3)] = Day("third"),
            [new DateOnly(2026, 11, 1)] = Day("first"),
            [new DateOnly(2026, 11, 2)] = Day("second"),
        };

        var sum = InsightFigures.Sum(days);
        Assert.Equal(("first", 3L), (sum.Descriptions["E-9"], sum.Failures["E-9"]));
    }

    [Fact]
    public void ACountryWhoseCountsNetToNothing_IsNoCountry_InEitherOrderOfItsTallies()
    {
        var insights = new DayInsights();
        // A delivery moved from unknown to IN, its minus read before its plus (two flush batches, one poll).
        Assert.True(insights.Add("n:0:d", -1));
        insights.Add($"n:{Countries.Index("IN")}:d", 1);
        insights.Add("n:0:d", 1);
        insights.Add("n:0:s", 1);
        Assert.Equal(new Dictionary<string, CountryCounts> { ["IN"] = new(0, 1, 0), ["unknown"] = new(1, 0, 0) }, insights.Countries);
        insights.Add("n:0:s", -1);
        Assert.Equal(["IN"], insights.Countries.Keys);
        Assert.Equal(["IN"], InsightFigures.Countries(insights, deliveryCallbacks: true).Select(c => c.Country));
    }
}
