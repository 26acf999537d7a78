using System.Globalization;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.GraphQL;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Schema;

public sealed class RoundTripDateTimeGraphTypeTests
{
    /// <summary>GraphQL.NET 8's DateTime format, the text the replacement must write.</summary>
    private const string ReferenceFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK";

    private static IEnumerable<DateTime> Times()
    {
        DateTime[] fixedTimes =
        [
            new(2026, 12, 6, 3, 4, 5, DateTimeKind.Utc),
            new(2026, 12, 6, 3, 4, 5, 100, DateTimeKind.Utc),
            new(2026, 1, 1, 0, 0, 0, 0, 1, DateTimeKind.Utc),
            new DateTime(2026, 6, 30, 23, 59, 59, DateTimeKind.Utc).AddTicks(9),
            new(2026, 6, 30, 23, 59, 59, 999, 999, DateTimeKind.Utc),
            new(2000, 2, 29, 12, 0, 0, DateTimeKind.Unspecified),
            new(2000, 2, 29, 12, 0, 0, 120, DateTimeKind.Local),
            DateTime.MinValue,
            DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
        ];
        var random = new Random(23);
        return fixedTimes.Concat(Enumerable.Range(0, 200).Select(i =>
        {
            var ticks = random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);
            return new DateTime(ticks - (i % 3 == 0 ? ticks % TimeSpan.TicksPerSecond : 0), (DateTimeKind)(i % 3));
        }));
    }

    [Fact]
    public void Writes_what_GraphQL_NETs_DateTime_scalar_writes_for_any_time_and_kind()
    {
        foreach (var time in Times())
        {
            var expected = time.ToString(ReferenceFormat, DateTimeFormatInfo.InvariantInfo);
            Assert.Equal(expected, new DateTimeGraphType().Serialize(time));
            Assert.Equal(expected, new RoundTripDateTimeGraphType().Serialize(time));
        }
    }

    /// <summary>The planned execution leaves a UTC DateTime to the JSON writer instead of the scalar: the text must be the same.</summary>
    [Fact]
    public void The_JSON_writer_writes_a_UTC_time_as_the_scalar_does()
    {
        var utc = Times().Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToList();
        Assert.Contains(utc, t => t.Ticks % TimeSpan.TicksPerSecond == 0);
        Assert.Contains(utc, t => t.Ticks % 10 != 0);
        foreach (var time in utc)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                writer.WriteStringValue(time);
            }

            Assert.Equal($"\"{new RoundTripDateTimeGraphType().Serialize(time)}\"", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    [Fact]
    public void Values_other_than_a_DateTime_are_left_to_the_built_in_scalar()
    {
        var offset = new DateTimeOffset(2026, 12, 6, 3, 4, 5, TimeSpan.Zero);
        Assert.Equal(
            Assert.Throws<InvalidOperationException>(() => new DateTimeGraphType().Serialize(offset)).Message,
            Assert.Throws<InvalidOperationException>(() => new RoundTripDateTimeGraphType().Serialize(offset)).Message);
        Assert.Null(new RoundTripDateTimeGraphType().Serialize(null));
    }

    [Fact]
    public async Task Every_DateTime_field_of_the_schema_is_written_by_it()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var schema = app.Services.GetRequiredService<SchemaCatalogue>().Everything;
        schema.Initialize();
        Assert.IsType<RoundTripDateTimeGraphType>(schema.AllTypes["DateTime"]);
        var fields = schema.AllTypes.OfType<IComplexGraphType>().SelectMany(t => t.Fields)
            .Where(f => f.ResolvedType!.GetNamedType().Name == "DateTime").ToList();
        Assert.Contains(fields, f => f.Name == "changedAt");
        Assert.Contains(fields, f => f.Name == "recordedAt");
        Assert.All(fields, f => Assert.IsType<RoundTripDateTimeGraphType>(f.ResolvedType!.GetNamedType()));
    }
}
