namespace PartnerGraph.Data.Demo;

/// <summary>The draws the demo generators share, all from the one seeded generator.</summary>
internal static class DemoRandom
{
    public static bool Chance(this Random rng, double probability) => rng.NextDouble() < probability;

    /// <summary>A time in Thai office hours (08:00 to 18:00 ICT, 01:00 to 11:00 UTC) on the day.</summary>
    public static DateTime DuringOfficeHours(this Random rng, DateOnly day) =>
        day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddMinutes(rng.Next(60, 660));

    /// <summary>Scales a figure by a factor drawn between low and high.</summary>
    public static int Scale(this Random rng, double value, double low, double high) =>
        (int)Math.Round(value * (low + (rng.NextDouble() * (high - low))), MidpointRounding.AwayFromZero);
}
