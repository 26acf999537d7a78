using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using PartnerGraph.GraphQL.Webhooks;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>Outside Development the server starts only with real keys and no demo credential anywhere.</summary>
public sealed class OutsideDevelopmentTests
{
    [Fact]
    public async Task Without_certificates_the_server_refuses_to_start()
    {
        var run = await ServerProcess.RunVerbAsync(["--urls", "http://127.0.0.1:0"], Production(withCertificates: false), await WithoutDemoClientsAsync());
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Identity:SigningCertificate", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Webhooks:SecretKey is not set")]
    [InlineData(WebhookSecretProtector.DemoKey, "Webhooks:SecretKey is the published demo key")]
    public async Task Without_its_own_webhook_secret_key_the_server_refuses_to_start(string? key, string reason)
    {
        var environment = Production(withCertificates: true);
        environment.Remove("Webhooks__SecretKey");
        if (key is not null)
        {
            environment["Webhooks__SecretKey"] = key;
        }

        var run = await ServerProcess.RunVerbAsync(["--urls", "http://127.0.0.1:0"], environment, await WithoutDemoClientsAsync());
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(reason, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_demo_clients_in_the_database_the_server_refuses_to_start()
    {
        var run = await ServerProcess.RunVerbAsync(["--urls", "http://127.0.0.1:0"], Production(withCertificates: true), await TestDatabase.CopyAsync());
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Demo client", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_accepts_a_published_demo_secret_stops_the_start()
    {
        var database = await WithoutDemoClientsAsync();
        var rotate = await ServerProcess.RunVerbAsync(["clients", "rotate-secret", "--client-id", TestDatabase.AllScopesClient, "--secret", "demo-secret-government-referral-officer"], database: database);
        Assert.True(rotate.ExitCode == 0, rotate.Output);
        var run = await ServerProcess.RunVerbAsync(["--urls", "http://127.0.0.1:0"], Production(withCertificates: true), database);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("published demo secret", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_demo_analyst_in_the_database_the_server_refuses_to_start()
    {
        var database = await WithoutDemoClientsAsync(keepDemoAnalysts: true);
        var run = await ServerProcess.RunVerbAsync(["--urls", "http://127.0.0.1:0"], Production(withCertificates: true), database);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Demo analyst 'analyst@atd.demo'", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analyst_with_the_published_demo_password_stops_the_start()
    {
        var database = await WithoutDemoClientsAsync();
        var add = await ServerProcess.RunVerbAsync(["users", "add", "--org", "atd", "--email", "someone@atd.example", "--password", "demo-password-analyst"], database: database);
        Assert.True(add.ExitCode == 0, add.Output);
        var run = await ServerProcess.RunVerbAsync(["--urls", "http://127.0.0.1:0"], Production(withCertificates: true), database);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("published demo password", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_certificates_from_configuration_and_no_demo_credential_it_serves_and_issues_tokens()
    {
        await using var server = await ServerProcess.StartAsync(Production(withCertificates: true), await WithoutDemoClientsAsync());
        var token = await server.TokenAsync();
        var client = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, token);
        (await client.PostAsync("{ viewer { clientId } }")).AssertNoErrors();
    }

    private static Dictionary<string, string> Production(bool withCertificates)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Identity__Issuer"] = "https://partnergraph.test/",
            ["Identity__AllowHttp"] = "true",
        };
        if (withCertificates)
        {
            environment["Identity__SigningCertificate__Path"] = Certificate("signing", X509KeyUsageFlags.DigitalSignature);
            environment["Identity__SigningCertificate__Password"] = "test-only";
            environment["Identity__EncryptionCertificate__Path"] = Certificate("encryption", X509KeyUsageFlags.KeyEncipherment);
            environment["Identity__EncryptionCertificate__Password"] = "test-only";
            environment["Webhooks__SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        return environment;
    }

    /// <summary>A self-signed certificate made for this test run only, as a password-protected PFX file.</summary>
    private static string Certificate(string use, X509KeyUsageFlags usage)
    {
        var path = Path.Combine(TestDatabase.Folder, $"{use}-{Guid.NewGuid():N}.pfx");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=PartnerGraph test {use}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "test-only"));
        return path;
    }

    /// <summary>A copy of the test database with the demo clients (and demo analysts) removed, as an operator's database would be.</summary>
    private static async Task<string> WithoutDemoClientsAsync(bool keepDemoAnalysts = false)
    {
        var path = await TestDatabase.CopyAsync();
        await using var connection = new SqliteConnection(TestDatabase.ConnectionString(path));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM PartnerClients WHERE ClientId LIKE 'demo-%';
            DELETE FROM OpenIddictTokens WHERE ApplicationId IN (SELECT Id FROM OpenIddictApplications WHERE ClientId LIKE 'demo-%');
            DELETE FROM OpenIddictApplications WHERE ClientId LIKE 'demo-%';
            """ + (keepDemoAnalysts ? "" : "DELETE FROM Analysts WHERE Email LIKE '%.demo';");
        await command.ExecuteNonQueryAsync();
        return path;
    }
}
