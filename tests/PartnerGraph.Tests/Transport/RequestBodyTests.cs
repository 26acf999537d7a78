using System.Net;
using System.Text;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// POST bodies as the server reads them, over HTTP and Server-Sent Events (one reader for both), in a class of its
/// own: its requests would spend another class's rate.
/// </summary>
public sealed class RequestBodyTests(AppFixture server) : IClassFixture<AppFixture>
{
    private const int Limit = 256 * 1024;

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
    [InlineData(Limit, true)]
    [InlineData(Limit, false)]
    public async Task A_body_of_any_size_up_to_the_limit_is_read_whole_with_or_without_its_length(int size, bool withLength)
    {
        foreach (var (length, answered) in new[] { (size, true), (size + 1, size < Limit) })
        {
            var response = await Client.SendAsync(Post("{ provinces { code } }", length, withLength, "application/graphql-response+json"));
            if (answered)
            {
                Assert.Equal(77, response.AssertNoErrors().Data!["provinces"]!.AsArray().Count);
            }
            else
            {
                AssertTooLarge(response.Status, response.FirstErrorCode);
            }
        }
    }

    /// <summary>A subscription sent for an event stream is read by the same reader (twice: to see it is a subscription, then to run it).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_subscription_body_at_the_limit_opens_an_event_stream_and_one_byte_more_is_refused(bool withLength)
    {
        using (var request = Post("subscription { referralStatusChanged { sequence } }", Limit, withLength, "text/event-stream"))
        {
            request.Headers.Authorization = new("Bearer", Client.Token);
            using var stream = await Client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        }

        var refused = await Client.SendAsync(Post("subscription { referralStatusChanged { sequence } }", Limit + 1, withLength, "text/event-stream"));
        AssertTooLarge(refused.Status, refused.FirstErrorCode);
    }

    /// <summary>A POST of the document, its JSON padded with spaces to that many bytes (at least the bare request).</summary>
    private static HttpRequestMessage Post(string document, int length, bool withLength, string accept)
    {
        var start = $"{{ \"query\": \"{document}\"";
        var body = Encoding.UTF8.GetBytes(start + new string(' ', Math.Max(0, length - start.Length - 1)) + "}");
        HttpContent content = withLength ? new ByteArrayContent(body) : new StreamContent(new BadInputCorpus.UnknownLengthStream(body));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = content };
        request.Headers.TransferEncodingChunked = !withLength;
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return request;
    }

    private static void AssertTooLarge(HttpStatusCode status, string? code)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("REQUEST_TOO_LARGE", code);
    }
}
