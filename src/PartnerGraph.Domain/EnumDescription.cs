using System.ComponentModel;
using System.Reflection;

namespace PartnerGraph.Domain;

/// <summary>What an enum value means, as its [Description] says: the text partners read in the schema.</summary>
public static class EnumDescription
{
    public static string? Of<T>(T value)
        where T : struct, Enum =>
        typeof(T).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)?.GetCustomAttribute<DescriptionAttribute>()?.Description;
}
