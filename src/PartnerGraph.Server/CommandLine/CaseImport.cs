using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.PersonalData;

namespace PartnerGraph.Server.CommandLine;

/// <summary>
/// import-cases: case records from a CSV file, for one recording organisation, with the validation of the recordCase
/// mutation. The file is read once: each good row is written as it is read, in one transaction, and every bad row is
/// reported by line and column; a file with one bad row imports nothing (the transaction rolls back, the cubes with
/// it). No value of a row is ever printed, whether or not it failed the personal-data guard: only line numbers, column
/// names and what is expected.
/// </summary>
public sealed class CaseImport
{
    // The columns a file must have; district and status may be left out, like the mutation's optional fields.
    private static readonly CaseField[] OptionalColumns = [CaseField.District, CaseField.Status];

    private readonly string path;
    private readonly CaseRecorder recorder;
    private readonly CaseGeography geography;
    private readonly TimeProvider clock;
    private readonly PersonalDataMemo guard = new();

    public CaseImport(string path, CaseRecorder recorder, CaseGeography geography, TimeProvider clock)
    {
        this.path = path;
        this.recorder = recorder;
        this.geography = geography;
        this.clock = clock;
    }

    /// <summary>Validates the whole file: the problems by line (none for a good file) and the count of rows.</summary>
    public ImportCheck Check(IProgress<(long Done, long Total)>? progress = null)
    {
        var check = new Checked();
        foreach (var row in Rows(progress))
        {
            check.Add(row);
        }

        return check.Result;
    }

    /// <summary>
    /// The file's records in one reading, for the writer: each good row's record as it is read, as long as no row had a
    /// problem; after the first bad row the rest is only checked, and at the end <see cref="ImportRefusedException"/>
    /// carries every problem, so that the writer's transaction rolls back whatever it had written.
    /// </summary>
    public IEnumerable<CaseRecord> Records(IProgress<(long Done, long Total)>? progress = null)
    {
        var check = new Checked();
        foreach (var row in Rows(progress))
        {
            if (check.Add(row) && check.Problems.Count == 0)
            {
                yield return row.Record!;
            }
        }

        if (check.Problems.Count > 0)
        {
            throw new ImportRefusedException(check.Result);
        }
    }

    private IEnumerable<ImportRow> Rows(IProgress<(long Done, long Total)>? progress)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvRecordReader(text);
        var values = new List<string>();
        if (!csv.TryRead(values))
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} is empty; it needs a header row: {string.Join(',', CaseFields.All.Select(f => f.ColumnName()))}.");
        }

        var columns = Header(values);
        long read = 0;
        while (csv.TryRead(values))
        {
            if (values is [""])
            {
                continue;
            }

            // The rows to come are estimated from the bytes read so far: the file is read once to check it.
            if (++read % 10_000 == 0)
            {
                progress?.Report((read, Math.Max(read + 1, read * stream.Length / Math.Max(1, stream.Position))));
            }

            if (values.Count != columns.Count)
            {
                yield return new ImportRow(csv.Line, null, [new ImportProblem(csv.Line, null, CaseProblemCodes.InvalidCase, string.Create(CultureInfo.InvariantCulture, $"has {values.Count} values; the header has {columns.Count}."))]);
                continue;
            }

            var result = Draft(columns, values).Validate(recorder, geography, clock, guard);
            yield return new ImportRow(csv.Line, result.Record, result.Problems.Select(p => new ImportProblem(csv.Line, p.Field.ColumnName(), p.Code, p.Message)).ToList());
        }

        progress?.Report((read, read));
    }

    /// <summary>" (did you mean 'province'?)" when the header is at most two letters from a field's column name, else nothing.</summary>
    private static string NearestField(string header, IEnumerable<string> columns)
    {
        var nearest = columns.Select(c => (Column: c, Distance: EditDistance(header.ToLowerInvariant(), c.ToLowerInvariant()))).MinBy(c => c.Distance);
        return nearest.Distance <= 2 ? $" (did you mean '{nearest.Column}'?)" : "";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>Which case field each column holds; a file with an unknown, repeated or missing column is refused as a whole.</summary>
    private static List<CaseField> Header(List<string> names)
    {
        var byColumn = CaseFields.All.ToDictionary(f => f.ColumnName(), StringComparer.OrdinalIgnoreCase);
        var columns = new List<CaseField>();
        var problems = new List<string>();
        foreach (var (name, index) in names.Select((n, i) => (n.Trim(), i + 1)))
        {
            if (!byColumn.TryGetValue(name, out var field))
            {
                // A header is what the file's author wrote, so it is never printed: a near miss names the field meant.
                problems.Add($"column {index} is not a case field{NearestField(name, byColumn.Keys)}");
            }
            else if (columns.Contains(field))
            {
                problems.Add($"column {field.ColumnName()} appears twice");
            }

            columns.Add(field);
        }

        var missing = CaseFields.All.Except(OptionalColumns).Except(columns).Select(f => f.ColumnName()).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"the header lacks {string.Join(", ", missing)}");
        }

        return problems.Count == 0
            ? columns
            : throw new InvalidDataException($"line 1 (the header): {string.Join("; ", problems)}. The columns, in any order: {string.Join(',', CaseFields.All.Select(f => f.ColumnName()))} (district and status may be left out).");
    }

    private static CaseRecordDraft Draft(List<CaseField> columns, List<string> values)
    {
        string? Value(CaseField field)
        {
            var index = columns.IndexOf(field);
            return index < 0 ? null : values[index];
        }

        return new CaseRecordDraft
        {
            IdentifiedOn = Value(CaseField.IdentifiedOn),
            Province = Value(CaseField.Province),
            District = Value(CaseField.District),
            AgeBand = Value(CaseField.AgeBand),
            Sex = Value(CaseField.Sex),
            Nationality = Value(CaseField.Nationality),
            PopulationGroup = Value(CaseField.PopulationGroup),
            MigrationStatus = Value(CaseField.MigrationStatus),
            ExploitationType = Value(CaseField.ExploitationType),
            VictimStatus = Value(CaseField.VictimStatus),
            IdentificationSource = Value(CaseField.IdentificationSource),
            Status = Value(CaseField.Status),
        };
    }

    /// <summary>Runs the command: check, report, and import only a file without a bad row.</summary>
    public static async Task<int> RunAsync(WebApplication app, string path, string organisationId)
    {
        if (!File.Exists(path))
        {
            throw new CommandLineException("There is no such file.", 2);
        }

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PartnerGraphDbContext>>().CreateDbContextAsync();
        var organisation = await db.Organisations.Include(o => o.Provinces).FirstOrDefaultAsync(o => o.Id == organisationId)
            ?? throw new CommandLineException("--org names no organisation. Add it first with partners add.");
        var import = new CaseImport(path, CaseRecorder.Of(organisation), app.Services.GetRequiredService<GeographyCatalogue>().ForCaseIntake(), app.Services.GetRequiredService<TimeProvider>());
        var name = Path.GetFileName(path);

        using var bar = new ProgressBar(Console.Out);
        long written;
        try
        {
            var progress = new ImmediateProgress<(long Done, long Total)>(p => bar.Report("importing", p.Done, p.Total));
            written = await CaseRecordBulkWriter.WriteAsync(db, () => import.Records(progress));
        }
        catch (ImportRefusedException refused)
        {
            var check = refused.Check;
            var badRows = check.Problems.Select(p => p.Line).Distinct().Count();
            bar.Finish(string.Create(CultureInfo.InvariantCulture, $"{name}: {badRows:N0} of {check.Rows:N0} rows have problems:"));
            foreach (var problem in check.Problems)
            {
                Console.WriteLine(problem);
            }

            throw new CommandLineException(string.Create(CultureInfo.InvariantCulture, $"Nothing was imported: fix the {badRows:N0} rows above and run import-cases again."));
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new CommandLineException($"{name}: {e.Message} Nothing was imported.");
        }

        bar.Finish(string.Create(CultureInfo.InvariantCulture, $"{name}: {written:N0} rows are valid."));
        bar.Finish(string.Create(CultureInfo.InvariantCulture, $"{written:N0} case records imported for {organisation.Id}."));
        return 0;
    }

    /// <summary>Reports on the calling thread, at once: the bar is drawn as the import runs, not after it.</summary>
    private sealed class ImmediateProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>The outcome of checking a whole file.</summary>
public sealed record ImportCheck(long Rows, IReadOnlyList<ImportProblem> Problems);

/// <summary>One problem of one row, printed as "line 7: column nationality is not ... (INVALID_CASE)".</summary>
public sealed record ImportProblem(int Line, string? Column, string Code, string Message)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"line {Line}: {(Column is null ? "the row" : "column " + Column)} {Message} ({Code})");
}

internal sealed record ImportRow(int Line, CaseRecord? Record, IReadOnlyList<ImportProblem> Problems);

/// <summary>A file with at least one bad row, found while it was being written: the write rolls back, the check says why.</summary>
public sealed class ImportRefusedException(ImportCheck check) : Exception($"{check.Problems.Count} problems in {check.Rows} rows; nothing was imported.")
{
    public ImportCheck Check { get; } = check;
}

/// <summary>The rows read so far and their problems, each message kept once: a million problems stay small.</summary>
internal sealed class Checked
{
    private readonly Dictionary<string, string> messages = new(StringComparer.Ordinal);
    private readonly List<ImportProblem> problems = [];
    private long rows;

    public IReadOnlyList<ImportProblem> Problems => problems;

    public ImportCheck Result => new(rows, problems);

    /// <summary>Counts the row and keeps its problems; true when it has none.</summary>
    public bool Add(ImportRow row)
    {
        rows++;
        foreach (var problem in row.Problems)
        {
            var message = messages.TryGetValue(problem.Message, out var known) ? known : messages[problem.Message] = problem.Message;
            problems.Add(problem with { Message = message });
        }

        return row.Problems.Count == 0;
    }
}
