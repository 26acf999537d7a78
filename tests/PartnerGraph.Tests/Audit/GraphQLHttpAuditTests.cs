using System.Diagnostics;
using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Audit;

/// <summary>graphql-http's own audit suite, the yardstick of GraphQL over HTTP, against the started server.</summary>
public sealed class GraphQLHttpAuditTests
{
    [Fact]
    public async Task Every_graphql_http_audit_passes()
    {
        await using var server = await ServerProcess.StartAsync();
        var environment = new Dictionary<string, string> { ["PARTNERGRAPH_TOKEN"] = await server.TokenAsync() };
        var results = await Node.RunAsync("audit.mjs", environment, new Uri(server.Url, "/graphql").ToString());

        var audits = JsonNode.Parse(results)!.AsArray();
        Assert.True(audits.Count > 50, $"expected the full audit suite, got {audits.Count} audits");
        var failures = audits
            .Where(a => a!["status"]!.GetValue<string>() != "ok")
            .Select(a => $"{a!["id"]} {a["status"]} {a["name"]}: {a["reason"]}")
            .ToList();
        Assert.True(failures.Count == 0, "Audits not passed:\n" + string.Join('\n', failures));
    }
}

/// <summary>Runs a script of tests/audit (or another Node.js folder of the tests) with the machine's Node.js; its packages come from `npm ci` in test.sh.</summary>
public static class Node
{
    public static string Folder => RepositoryRoot.File("tests", "audit");

    public static Task<string> RunAsync(string script, IDictionary<string, string> environment, params string[] args) =>
        RunInAsync(Folder, script, environment, TimeSpan.FromMinutes(2), args);

    public static async Task<string> RunInAsync(string folder, string script, IDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var relative = Path.GetRelativePath(RepositoryRoot.Path, folder);
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules")), $"{relative}/node_modules is missing: run `npm ci` in {relative} (test.sh does).");
        var info = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }
}
