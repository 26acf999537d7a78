using System.Security.Cryptography;
using System.Text;

namespace PartnerGraph.Domain.Organisations;

/// <summary>
/// A GraphQL document a partner registered to run by its id (GraphQL over HTTP's persisted documents):
/// "sha256:" and the hex SHA-256 of the text's UTF-8 bytes. Usable by the clients of its organisation only.
/// </summary>
public sealed class TrustedDocument
{
    public const string IdPrefix = "sha256:";

    public int Id { get; init; }

    public required string DocumentId { get; init; }

    public required string OrganisationId { get; init; }

    /// <summary>The client it was registered for.</summary>
    public required string ClientId { get; init; }

    /// <summary>Where it came from, such as the file name, for people reading the list.</summary>
    public required string Name { get; init; }

    public required string Text { get; init; }

    public required DateTime RegisteredAt { get; init; }

    /// <summary>"sha256:" and the lower-case hex SHA-256 of the text's UTF-8 bytes.</summary>
    public static string IdOf(string text) => IdPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
