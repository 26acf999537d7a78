using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace PartnerGraph.Tests.SqlServer;

/// <summary>
/// What SQL Server would refuse in a script, found without an engine: Microsoft's own T-SQL parser (syntax, reserved
/// words where an identifier belongs), then the rules it does not check that have bitten, or would.
/// </summary>
public static class TSqlChecks
{
    /// <summary>SQL Server's limit of parameters in one request (Msg 8003).</summary>
    public const int MaxParameters = 2100;

    /// <summary>The parsed script (null when it does not parse); the parser itself refuses an identifier over 128 characters (Msg 103) and ORDER BY in a subquery without TOP (Msg 1033).</summary>
    public static TSqlFragment? Parse(string sql, out IList<ParseError> errors)
    {
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        return parser.Parse(reader, out errors);
    }

    /// <summary>The tables that have a trigger, from the scripts that create them.</summary>
    public static IReadOnlySet<string> TriggeredTables(IEnumerable<TSqlFragment?> scripts)
    {
        var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var script in scripts)
        {
            var triggers = new TriggerVisitor();
            script?.Accept(triggers);
            tables.UnionWith(triggers.Tables);
        }

        return tables;
    }

    /// <summary>Every problem SQL Server would raise for the script, each as "Msg N: what".</summary>
    public static IReadOnlyList<string> Problems(string sql, int parameters, IReadOnlySet<string> triggeredTables)
    {
        var fragment = Parse(sql, out var errors);
        var problems = errors.Select(e => $"syntax (line {e.Line}, column {e.Column}): {e.Message}").ToList();
        if (errors.Count > 0)
        {
            return problems;
        }

        if (parameters > MaxParameters)
        {
            problems.Add($"Msg 8003: {parameters} parameters, more than {MaxParameters}");
        }

        var rules = new RuleVisitor(triggeredTables);
        fragment!.Accept(rules);
        problems.AddRange(rules.Problems);
        return problems;
    }

    private sealed class TriggerVisitor : TSqlFragmentVisitor
    {
        public List<string> Tables { get; } = [];

        public override void Visit(CreateTriggerStatement node) => Tables.Add(node.TriggerObject.Name.BaseIdentifier.Value);

        public override void Visit(CreateOrAlterTriggerStatement node) => Tables.Add(node.TriggerObject.Name.BaseIdentifier.Value);

        public override void Visit(ExecutableStringList node) => Parse(Batch(node), out _)?.Accept(this);
    }

    /// <summary>The text EXEC(N'...') runs as a batch of its own, when it is one literal (not built from variables).</summary>
    private static string Batch(ExecutableStringList node) => node.Strings is [StringLiteral literal] ? literal.Value : "";

    private sealed class RuleVisitor(IReadOnlySet<string> triggeredTables) : TSqlFragmentVisitor
    {
        public List<string> Problems { get; } = [];

        // What EXEC(N'...') runs is checked as any batch.
        public override void Visit(ExecutableStringList node) => Problems.AddRange(TSqlChecks.Problems(Batch(node), 0, triggeredTables).Select(p => "in EXEC: " + p));

        // A constant in GROUP BY (the CaseCubes migration once grouped by literals).
        public override void Visit(ExpressionGroupingSpecification node)
        {
            if (node.Expression is Literal or ParenthesisExpression { Expression: Literal })
            {
                Problems.Add($"Msg 164: GROUP BY holds a constant ({Text(node)})");
            }
        }

        // OUTPUT without INTO on a table that has a trigger.
        public override void Visit(InsertSpecification node) => OutputOnTriggeredTable(node.Target, node.OutputClause, "INSERT");

        public override void Visit(UpdateSpecification node) => OutputOnTriggeredTable(node.Target, node.OutputClause, "UPDATE");

        public override void Visit(DeleteSpecification node) => OutputOnTriggeredTable(node.Target, node.OutputClause, "DELETE");

        public override void Visit(MergeSpecification node) => OutputOnTriggeredTable(node.Target, node.OutputClause, "MERGE");

        private void OutputOnTriggeredTable(TableReference target, OutputClause? output, string statement)
        {
            if (output is not null && target is NamedTableReference named && triggeredTables.Contains(named.SchemaObject.BaseIdentifier.Value))
            {
                Problems.Add($"Msg 334: {statement} into [{named.SchemaObject.BaseIdentifier.Value}], which has a trigger, with an OUTPUT clause without INTO");
            }
        }

        private static string Text(TSqlFragment fragment) =>
            string.Concat(Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1).Select(i => fragment.ScriptTokenStream[i].Text));
    }
}
