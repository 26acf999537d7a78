using System.Buffers;
using System.Text;

namespace PartnerGraph.Server.CommandLine;

/// <summary>
/// Reads CSV (RFC 4180) one record at a time, so a file of any size streams through in constant memory: comma
/// separated, fields optionally in double quotes ("" for a quote; commas and line breaks allowed inside), lines ended
/// by CRLF, LF or CR. Lenient where the RFC is silent: a quote inside an unquoted field is kept as it is.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private static readonly SearchValues<char> Special = SearchValues.Create(",\"\r\n");
    private readonly char[] buffer = new char[64 * 1024];
    private readonly StringBuilder field = new();
    private int position;
    private int length;
    private int line = 1;

    /// <summary>The line on which the record last read starts (1 for the header).</summary>
    public int Line { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the file. A blank line is a record of one empty field.</summary>
    public bool TryRead(List<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        fields.Clear();
        field.Clear();
        Line = line;
        if (Peek() < 0)
        {
            return false;
        }

        var quoted = false;
        var inQuotes = false;
        while (true)
        {
            if (!inQuotes && Peek() >= 0)
            {
                // The common case, a run of plain characters, is copied at once up to the next special one.
                var plain = buffer.AsSpan(position, length - position);
                var run = plain.IndexOfAny(Special);
                field.Append(run < 0 ? plain : plain[..run]);
                position += run < 0 ? plain.Length : run;
                if (run < 0)
                {
                    continue;
                }
            }

            var c = Read();
            if (inQuotes)
            {
                if (c < 0)
                {
                    throw new FormatException($"line {Line}: a quoted field is not closed before the end of the file.");
                }

                if (c == '"')
                {
                    if (Peek() == '"')
                    {
                        Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    CountLine(c);
                    field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0 && !quoted:
                    quoted = inQuotes = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    quoted = false;
                    break;
                case '\r' or '\n' or -1:
                    if (c == '\r' && Peek() == '\n')
                    {
                        Read();
                    }

                    if (c >= 0)
                    {
                        line++;
                    }

                    fields.Add(field.ToString());
                    return true;
                default:
                    field.Append((char)c);
                    break;
            }
        }
    }

    /// <summary>A line break inside quotes still moves the line count, so later records keep their true line numbers.</summary>
    private void CountLine(int c)
    {
        if (c == '\n' || (c == '\r' && Peek() != '\n'))
        {
            line++;
        }
    }

    private int Peek()
    {
        if (position == length)
        {
            length = reader.Read(buffer, 0, buffer.Length);
            position = 0;
        }

        return length == 0 ? -1 : buffer[position];
    }

    private int Read()
    {
        var c = Peek();
        if (c >= 0)
        {
            position++;
        }

        return c;
    }
}
