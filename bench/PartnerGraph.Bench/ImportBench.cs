using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

/// <summary>
/// import-cases as partners run it: the server program on a synthetic file of BENCH_IMPORT_ROWS valid rows (CaseCsv), into
/// a fresh database holding the demo organisations and no case, then the same file again into that database (so the
/// second import meets as many records as it brings). Each import is timed from the command's start to its exit
/// (startup, reading and checking the file, writing, counting the cubes, commit), with the processor time the command
/// used; after each, every cube is compared with a GROUP BY over the case records.
/// </summary>
internal static class ImportBench
{
    private const int RusageChildren = -1;

    public static async Task<string> RunAsync(string server, int rows)
    {
        var folder = Directory.CreateTempSubdirectory("partnergraph-import-").FullName;
        try
        {
            var csv = Path.Combine(folder, "cases.csv");
            CaseCsv.Write(csv, rows);
            var file = Path.Combine(folder, "import.db");
            var environment = BenchDatabase.EnvironmentFor(file, 0);
            environment["Demo__Referrals"] = "0";
            BenchProcesses.Run(server, ["seed-demo"], environment);

            var table = new StringBuilder();
            table.AppendLine(CultureInfo.InvariantCulture, $"{rows:N0} rows ({new FileInfo(csv).Length / 1_048_576.0:F0} MB of CSV), imported for atd with `import-cases`:\n");
            table.AppendLine("| import | records before | wall s | CPU s (user + system) | rows/s | cubes equal to the records | load average before |");
            table.AppendLine("| --- | ---: | ---: | ---: | ---: | --- | --- |");
            for (var turn = 1; turn <= 2; turn++)
            {
                var before = await ScalarAsync(file, "SELECT COUNT(*) FROM CaseRecords");
                var load = string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
                var cpu = ChildrenCpu();
                var clock = Stopwatch.StartNew();
                BenchProcesses.Run(server, ["import-cases", csv, "--org", "atd"], environment);
                var wall = clock.Elapsed.TotalSeconds;
                var used = ChildrenCpu() - cpu;
                var after = await ScalarAsync(file, "SELECT COUNT(*) FROM CaseRecords");
                if (after != before + rows)
                {
                    throw new InvalidOperationException($"{after - before} records imported, not {rows}");
                }

                var exact = await CubesExactAsync(file);
                table.AppendLine(CultureInfo.InvariantCulture, $"| {(turn == 1 ? "into an empty table" : "the same file again")} | {before:N0} | {wall:F1} | {used.TotalSeconds:F1} | {rows / wall:N0} | {exact} | {load} |");
                Console.WriteLine($"import {turn}: {wall:F1} s, CPU {used.TotalSeconds:F1} s, cubes: {exact}");
            }

            return table.ToString();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>"yes" when every cube row equals the count grouped from the records (both ways), else the cubes that differ.</summary>
    private static async Task<string> CubesExactAsync(string file)
    {
        string[] cubes = ["sex-quarter", "sex-month", "geo-month", "source-month", "exploitation-month", "sex-age-month", "origin-month"];
        var wrong = new List<string>();
        foreach (var cube in cubes)
        {
            string Kept(string column, params string[] names) => names.Contains(cube) ? column : "''";
            var monthKey = cube == "sex-quarter"
                ? "CAST(strftime('%Y', IdentifiedOn) AS INTEGER) * 100 + (CAST(strftime('%m', IdentifiedOn) AS INTEGER) - 1) / 3 * 3 + 1"
                : "CAST(strftime('%Y%m', IdentifiedOn) AS INTEGER)";
            var records =
                $"SELECT ProvinceCode, {Kept("COALESCE(DistrictCode, '')", "geo-month")}, {monthKey}, {Kept("AgeBand", "sex-age-month")}, " +
                $"{Kept("Sex", "sex-quarter", "sex-month", "sex-age-month")}, {Kept("Nationality", "origin-month")}, {Kept("PopulationGroup", "origin-month")}, " +
                $"{Kept("ExploitationType", "exploitation-month")}, {Kept("VictimStatus", "source-month", "exploitation-month")}, {Kept("IdentificationSource", "source-month")}, COUNT(*) " +
                "FROM CaseRecords GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10";
            var counted = $"SELECT ProvinceCode, DistrictCode, MonthKey, AgeBand, Sex, Nationality, PopulationGroup, ExploitationType, VictimStatus, IdentificationSource, Count FROM CaseCounts WHERE Cube = '{cube}' AND Count > 0";
            var differ = await ScalarAsync(file, $"SELECT (SELECT COUNT(*) FROM (SELECT * FROM ({records}) EXCEPT SELECT * FROM ({counted}))) + (SELECT COUNT(*) FROM (SELECT * FROM ({counted}) EXCEPT SELECT * FROM ({records})))");
            if (differ != 0)
            {
                wrong.Add($"{cube} ({differ} rows differ)");
            }
        }

        return wrong.Count == 0 ? "yes, all 7" : "NO: " + string.Join(", ", wrong);
    }

    private static async Task<long> ScalarAsync(string file, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The processor time of this process's children that have ended (getrusage RUSAGE_CHILDREN): the commands run here.</summary>
    private static TimeSpan ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux() || Getrusage(RusageChildren, out var usage) != 0)
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromMicroseconds((usage.UserSeconds * 1_000_000) + usage.UserMicroseconds + (usage.SystemSeconds * 1_000_000) + usage.SystemMicroseconds);
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int Getrusage(int who, out Rusage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        private Fields14 rest;
    }

    [InlineArray(14)]
    private struct Fields14
    {
        private long element;
    }
}
