using System.Text.Json.Serialization.Metadata;

namespace PartnerGraph.Client.Subscriptions;

/// <summary>
/// A subscription that can resume: its request (text or trusted document by id) declares a variable for the last
/// sequence (<c>$after: Long</c>), each item is the value of its one root field read with the type information given,
/// and SequenceOf gives an item's sequence.
/// </summary>
public sealed class ResumableSubscription<T>
{
    /// <summary>A subscription of the request given, whose items are read with itemType and ordered by sequenceOf.</summary>
    public ResumableSubscription(GraphQLRequest request, JsonTypeInfo<T> itemType, Func<T, long> sequenceOf)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(itemType);
        ArgumentNullException.ThrowIfNull(sequenceOf);
        Request = request;
        ItemType = itemType;
        SequenceOf = sequenceOf;
    }

    /// <summary>The subscription's request; its variables are sent with the resume variable added.</summary>
    public GraphQLRequest Request { get; }

    /// <summary>How an item (the root field's value) is read.</summary>
    public JsonTypeInfo<T> ItemType { get; }

    /// <summary>An item's sequence: strictly increasing, the resume cursor.</summary>
    public Func<T, long> SequenceOf { get; }

    /// <summary>The variable that takes the last sequence handed out.</summary>
    public string AfterVariable { get; init; } = "after";

    /// <summary>Where to start when the store holds nothing: 0 replays every item on record (nothing is missed).</summary>
    public long StartAfter { get; init; }
}
