namespace PartnerGraph.Data;

/// <summary>T-SQL that must be the only statement of its batch (CREATE TRIGGER, CREATE VIEW ...), made safe in any script.</summary>
public static class SqlServerBatch
{
    /// <summary>
    /// The statement run through EXEC, which gives it a batch of its own: a migration script (`dotnet ef migrations
    /// script`, plain or idempotent) then runs it where it stands, after other statements or inside IF ... BEGIN ... END.
    /// </summary>
    public static string Own(string statement) => $"EXEC(N'{statement.Replace("'", "''", StringComparison.Ordinal)}');";
}
