using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.PersonalData;

/// <summary>
/// After a varied run against a started server (personal data and arbitrary text sent as values, codes, ids, cursors,
/// enum literals, variables of the wrong type, broken documents, names in the document, token requests, WebSocket
/// messages and command-line verbs), none of the values sent is found in any response, error, close reason, access log
/// entry, server log line (at the shipped Information level, PartnerGraph at Debug) or command-line output.
/// </summary>
public sealed class NothingSentIsRepeatedTests
{
    /// <summary>Text the guard cannot know for personal data (a bare name, a handle): it is refused where it is no code, and never repeated.</summary>
    private const string Name = "Malee Jaidee";
    private const string Handle = "kanya.s";
    private const string EnumLiteral = "MALEE_JAIDEE";

    private static readonly string[] PersonalData = PersonalDataCorpus.Refused.Select(r => r.Text).ToArray();

    [Fact]
    public async Task No_value_sent_is_found_in_any_response_error_access_log_entry_log_line_or_command_output()
    {
        var database = await TestDatabase.CopyAsync();
        var seen = new StringBuilder();
        await using (var server = await ServerProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Information",
                ["Logging__LogLevel__PartnerGraph"] = "Debug",
                ["GraphQL__Limits__RequestsPerMinute"] = "100000",
                ["GraphQL__Limits__Burst"] = "10000",
            },
            database))
        {
            var token = await server.TokenAsync();
            async Task Send(string transport, string query, object? variables = null) =>
                seen.AppendLine((await Transports.RunAsync(transport, server.Url, token, query, variables)).ToJsonString());

            foreach (var text in PersonalData)
            {
                await Send(Transports.Http, "mutation($r: String) { withdrawReferral(input: { referralId: \"UmVmZXJyYWw6MQ\", expectedVersion: 1, reason: $r }) { referral { status } } }", new { r = text });
                await Send(Transports.Http, $"{{ province(code: {JsonSerializer.Serialize(text)}) {{ code }} }}");
                await Send(Transports.Http, "query($f: CaseStatisticsFilter) { caseStatistics(filter: $f) { total { count } } }", new { f = new { districts = new[] { text } } });
            }

            foreach (var transport in Transports.All)
            {
                await Send(transport, "mutation($r: String) { withdrawReferral(input: { referralId: \"UmVmZXJyYWw6MQ\", expectedVersion: 1, reason: $r }) { referral { status } } }", new { r = PersonalDataCorpus.Mobile });
                await Send(transport, "query($c: String!) { province(code: $c) { code } }", new { c = Name });
            }

            // Text that reaches the resolvers where a code, an id or a cursor belongs.
            foreach (var text in new[] { Name, Handle })
            {
                await Send(Transports.Http, "query($c: String!) { province(code: $c) { code } }", new { c = text });
                await Send(Transports.Http, "query($f: CaseStatisticsFilter) { caseStatistics(filter: $f) { total { count } } }", new { f = new { provinces = new[] { text } } });
                await Send(Transports.Http, "query($f: CaseStatisticsFilter) { caseStatistics(filter: $f) { total { count } } }", new { f = new { districts = new[] { text } } });
                await Send(Transports.Http, "query($f: CaseStatisticsFilter) { caseStatistics(filter: $f) { total { count } } }", new { f = new { nationalities = new[] { text } } });
                await Send(Transports.Http, "mutation($i: CreateReferralInput!) { createReferral(input: $i) { referral { id } } }", new { i = new { toOrganisation = text, kind = "DOMESTIC", services = new[] { "SHELTER" }, consent = new { givenBy = "CHILD" } } });
                await Send(Transports.Http, "query($p: String!) { programmeCoverage(programmeCode: $p, groupBy: [PROVINCE]) { quarter } }", new { p = text });
                await Send(Transports.Http, "query($id: ID!) { node(id: $id) { id } }", new { id = text });
                await Send(Transports.Http, "query($id: ID!) { referral(id: $id) { id } }", new { id = text });
                await Send(Transports.Http, "query($a: String) { referrals(first: 2, after: $a) { totalCount } }", new { a = text });
                await Send(Transports.Http, "query($o: String) { accessLog(first: 1, filter: { organisation: $o }) { totalCount } }", new { o = text });
                await Send(Transports.Http, "query($o: String) { referrals(first: 1, filter: { organisation: $o }) { totalCount } }", new { o = text });
                await Send(Transports.Http, "mutation($i: SubmitCoverageReportInput!) { submitCoverageReport(input: $i) { report { id } } }", new { i = new { programmeCode = text, district = text, quarter = "2026-Q1" } });
            }

            // GraphQL.NET's own messages: an enum literal, a variable of the wrong type, broken documents, names.
            await Send(Transports.Http, $"{{ caseStatistics(groupBy: [{EnumLiteral}]) {{ total {{ count }} }} }}");
            await Send(Transports.Http, "query($n: Int) { referrals(first: $n) { totalCount } }", new { n = Name });
            await Send(Transports.Http, "query($c: String!) { province(code: $c) { code } }", new { c = 42 });
            await Send(Transports.Http, $"{{ province(code: \"{Name}\") {{ code ");
            await Send(Transports.Http, $"{{ province(code: {Name}) {{ code }} }}");
            await Send(Transports.Http, $"{{ province(code: \"{PersonalDataCorpus.Mobile}) }}");
            await Send(Transports.Http, $"query somchai{PersonalDataCorpus.Mobile} {{ viewer {{ clientId }} }}");
            await Send(Transports.Http, $"{{ somchai{PersonalDataCorpus.Mobile}: viewer {{ clientId }} }}");
            await Send(Transports.Http, $"{{ malee{PersonalDataCorpus.Mobile} }}");
            seen.AppendLine(await PostAsync(server, token, JsonSerializer.Serialize(new { query = "query A { viewer { clientId } } query B { viewer { clientId } }", operationName = $"somchai{PersonalDataCorpus.Mobile}" })));
            seen.AppendLine(await PostAsync(server, token, JsonSerializer.Serialize(new { query = "{ viewer { clientId } }", operationName = "somchai@example.org" })));

            // The token endpoint, with a client id, grant type and scope nobody registered.
            foreach (var (clientId, grant, scope) in new[] { ("somchai@example.org", "client_credentials", "referrals.read"), ("demo-ngo-partner", Name, "referrals.read"), ("demo-ngo-partner", "client_credentials", Name) })
            {
                using var http = new HttpClient();
                var answer = await http.PostAsync(new Uri(server.Url, "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = grant,
                    ["client_id"] = clientId,
                    ["client_secret"] = "not-the-secret",
                    ["scope"] = scope,
                }));
                seen.AppendLine(await answer.Content.ReadAsStringAsync());
            }

            // WebSocket messages the protocol refuses: the close reasons.
            seen.AppendLine(await ClosedWithAsync(server, token, [new { type = Name }]));
            seen.AppendLine(await ClosedWithAsync(server, token, [
                new { id = PersonalDataCorpus.Mobile, type = "subscribe", payload = new { query = "subscription { referralStatusChanged { sequence } }" } },
                new { id = PersonalDataCorpus.Mobile, type = "subscribe", payload = new { query = "subscription { referralStatusChanged { sequence } }" } },
            ]));

            seen.AppendLine(await SettledOutputAsync(server));
        }

        // The command line, on the same database.
        var csv = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, $"identified_on,province,{Name},{Handle},{PersonalDataCorpus.NationalId}\n2025-06-30,TH-50,a,b,c\n");
        foreach (var args in new[]
        {
            ["import-cases", csv, "--org", "wvft"],
            ["partners", "add", "--id", "somchai-0812345678", "--name", "Mr Somchai Jaidee", "--kind", "NGO"],
            ["partners", "add", "--id", "a-b", "--name", Name, "--kind", Name],
            ["clients", "add", "--org", "wvft", "--client-id", "somchai@example.org", "--scopes", "referrals.read"],
            ["agreements", "add", "--org", Name, "--datasets", "referrals", "--granularity", "NATIONAL", "--from", "2026-01-01", "--to", "2026-12-31"],
            ["agreements", "add", "--org", "wvft", "--datasets", Name, "--granularity", Handle, "--from", Name, "--to", "2026-12-31"],
            new[] { "clients", "rotate-secret", "--client-id", Handle },
        })
        {
            seen.AppendLine((await ServerProcess.RunVerbAsync(args, database: database)).Output);
        }

        seen.AppendLine(await AccessLogAsync(database));
        var everything = seen.ToString();
        Assert.Contains("PII_NOT_ALLOWED", everything, StringComparison.Ordinal);
        Assert.Contains("(withheld: personal data)", everything, StringComparison.Ordinal);
        var repeated = Values().Where(v => everything.Contains(v, StringComparison.Ordinal) || everything.Contains(JsonSerializer.Serialize(v).Trim('"'), StringComparison.Ordinal)).ToList();
        Assert.True(repeated.Count == 0, "Repeated: " + string.Join(" | ", repeated));
    }

    /// <summary>Every value sent, and the digits of each long number (a number printed without its separators is still it).</summary>
    private static IEnumerable<string> Values()
    {
        foreach (var text in PersonalData.Concat([Name, Handle, EnumLiteral]))
        {
            yield return text;
            var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length >= 9)
            {
                yield return digits;
            }
        }
    }

    private static async Task<string> PostAsync(ServerProcess server, string token, string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "/graphql")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Sends the messages after connection_init and reads to the close; what the server said, close reason included.</summary>
    private static async Task<string> ClosedWithAsync(ServerProcess server, string token, object[] messages)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new UriBuilder(new Uri(server.Url, "/graphql")) { Scheme = "ws" }.Uri, timeout.Token);
        foreach (var message in new object[] { new { type = "connection_init", payload = new { authorization = $"Bearer {token}" } } }.Concat(messages))
        {
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, timeout.Token);
        }

        var said = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            said.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        return said.Append(' ').Append(socket.CloseStatus).Append(' ').Append(socket.CloseStatusDescription).ToString();
    }

    private static async Task<string> AccessLogAsync(string database)
    {
        await using var connection = new SqliteConnection(TestDatabase.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM AccessLog";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                rows.Append(reader.IsDBNull(i) ? "" : reader.GetValue(i).ToString()).Append('\t');
            }

            rows.AppendLine();
        }

        return rows.ToString();
    }

    /// <summary>The output once nothing new has been written for a second (the console logger writes from a queue).</summary>
    private static async Task<string> SettledOutputAsync(ServerProcess server)
    {
        var last = server.Output;
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (server.Output.Length == last.Length)
            {
                return last;
            }

            last = server.Output;
        }

        return last;
    }
}
