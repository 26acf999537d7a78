using System.Net;
using System.Text;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>POST bodies as the server reads them, in a class of its own: its requests would spend another class's rate.</summary>
public sealed class RequestBodyTests(AppFixture server) : IClassFixture<AppFixture>
{
    private GraphQLClient Client => server.Client;

    /// <summary>
    /// A body is read into a pooled buffer sized by its Content-Length, or grown from 4 KB when it has none: a body of
    /// any size up to the limit, with or without its length, is read whole, and one byte more is refused.
    /// </summary>
    [Theory]
    [InlineData(10, true)]
    [InlineData(4095, false)]
    [InlineData(4096, false)]
    [InlineData(100_000, false)]
    [InlineData(256 * 1024, true)]
    [InlineData(256 * 1024, false)]
    public async Task A_body_of_any_size_up_to_the_limit_is_read_whole_with_or_without_its_length(int size, bool withLength)
    {
        const string Query = "{ \"query\": \"{ provinces { code } }\"";
        foreach (var (length, answered) in new[] { (size, true), (size + 1, size < 256 * 1024) })
        {
            var body = Encoding.UTF8.GetBytes(Query + new string(' ', Math.Max(0, length - Query.Length - 1)) + "}");
            HttpContent content = withLength ? new ByteArrayContent(body) : new StreamContent(new BadInputCorpus.UnknownLengthStream(body));
            content.Headers.ContentType = new("application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = content };
            request.Headers.TransferEncodingChunked = !withLength;
            var response = await Client.SendAsync(request);
            if (answered)
            {
                Assert.Equal(77, response.AssertNoErrors().Data!["provinces"]!.AsArray().Count);
            }
            else
            {
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
                Assert.Equal("REQUEST_TOO_LARGE", response.FirstErrorCode);
            }
        }
    }
}
