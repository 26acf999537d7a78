using PartnerGraph.Server.CommandLine;

namespace PartnerGraph.Tests.Cases;

public sealed class CsvRecordReaderTests
{
    [Fact]
    public void Quoted_fields_hold_commas_quotes_and_line_breaks_and_lines_are_counted_as_in_the_file()
    {
        var records = Read("a,b,c\r\n\"1,5\",\"say \"\"hi\"\"\",x\r\n\"two\nlines\",,\"\"\r\nlast,row,here");

        Assert.Equal(["1: a | b | c", "2: 1,5 | say \"hi\" | x", "3: two\nlines |  | ", "5: last | row | here"], records);
    }

    [Theory]
    [InlineData("a,b\nc,d\n")]
    [InlineData("a,b\r\nc,d\r\n")]
    [InlineData("a,b\rc,d")]
    [InlineData("a,b\nc,d")]
    public void Every_line_ending_ends_a_record_and_a_last_line_break_adds_none(string text) =>
        Assert.Equal(["1: a | b", "2: c | d"], Read(text));

    [Fact]
    public void A_blank_line_is_a_record_of_one_empty_field() =>
        Assert.Equal(["1: a", "2: ", "3: b"], Read("a\n\nb\n"));

    [Fact]
    public void A_quote_inside_an_unquoted_field_is_kept() =>
        Assert.Equal(["1: 5\" tall | x"], Read("5\" tall,x\n"));

    [Fact]
    public void An_unclosed_quote_is_an_error_naming_its_line()
    {
        var error = Assert.Throws<FormatException>(() => Read("a\n\"open,b\nc\n"));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_longer_than_the_buffer_are_read_whole()
    {
        var wide = new string('x', 200_000);
        Assert.Equal([$"1: {wide} | y", "2: z"], Read(wide + ",y\nz"));
    }

    /// <summary>Each record as "LINE: field | field".</summary>
    private static List<string> Read(string text)
    {
        var reader = new CsvRecordReader(new StringReader(text));
        var fields = new List<string>();
        var records = new List<string>();
        while (reader.TryRead(fields))
        {
            records.Add($"{reader.Line}: {string.Join(" | ", fields)}");
        }

        return records;
    }
}
