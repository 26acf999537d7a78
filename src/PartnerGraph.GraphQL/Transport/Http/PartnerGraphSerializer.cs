using System.Buffers;
using System.Text.Json;
using GraphQL.Execution;
using GraphQL.SystemTextJson;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>
/// GraphQL.NET's System.Text.Json serializer, with one addition: an answer written straight into a buffer writer (an
/// HTTP response's PipeWriter), with no stream in between. Writing to a stream buffers the JSON in a pooled array
/// that grows and copies as it fills, a large share of the cost of a 66 KB page; the PipeWriter hands out its own
/// memory and sends it as it is.
/// </summary>
public sealed class PartnerGraphSerializer(JsonSerializerOptions options, IErrorInfoProvider errors) : GraphQLSerializer(options, errors)
{
    public void Write<T>(IBufferWriter<byte> output, T value)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Encoder = SerializerOptions.Encoder,
            Indented = SerializerOptions.WriteIndented,
            MaxDepth = SerializerOptions.MaxDepth,
        });
        JsonSerializer.Serialize(json, value, SerializerOptions);
    }
}
