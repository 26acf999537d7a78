namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// The cell-key method's perturbation table (after the Australian Bureau of Statistics' TableBuilder), indexed by the
/// cell key 0..255. Design: values in {-2, -1, 0, +1, +2}; 160 of the 256 entries are 0, 40 are +1, 40 are -1, 8 are +2
/// and 8 are -2, so the adjustment is symmetric with mean 0 and variance 0.5625 (standard deviation 0.75). The table is
/// antisymmetric, entry[255 - i] == -entry[i], which makes the zero mean exact; within each half the entries were
/// shuffled once with a fixed seed so that neighbouring keys are unrelated. Cell keys are uniform because every
/// record's key is, so each entry is equally likely for any cell.
/// One row serves every count: counts below the threshold are withheld rather than perturbed, and shown counts are
/// clamped at the threshold, which biases counts of exactly k and k+1 upwards by at most 0.22 and 0.03.
/// </summary>
internal static class PerturbationTable
{
    private static readonly int[] Adjustments =
    [
        1, 0, 0, 2, 1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, -1,
        0, -1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 2, 0, -1, -1, 2,
        0, 1, -1, -1, -1, 1, 0, 0, 0, 0, 1, 0, -1, -1, 0, 0,
        -2, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
        0, 0, 2, 0, 1, 0, 0, 0, 0, 1, -1, -1, 0, 1, -1, 0,
        1, 0, -1, 0, 0, 0, 0, 1, 0, 1, -1, 0, -1, 0, 0, 0,
        1, 0, 0, 0, 1, -2, 1, 0, -2, -1, 0, -1, 0, 0, 0, 0,
        0, 1, 0, 0, 0, 0, 0, 0, -2, 0, 0, 0, 0, 0, -1, 0,
        0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, -1, 0,
        0, 0, 0, 0, 1, 0, 1, 2, 0, -1, 2, -1, 0, 0, 0, -1,
        0, 0, 0, 1, 0, 1, -1, 0, -1, 0, 0, 0, 0, 1, 0, -1,
        0, 1, -1, 0, 1, 1, -1, 0, 0, 0, 0, -1, 0, -2, 0, 0,
        0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, -1, 2,
        0, 0, 1, 1, 0, -1, 0, 0, 0, 0, -1, 1, 1, 1, -1, 0,
        -2, 1, 1, 0, -2, -1, 0, 0, 0, 0, -1, 0, 0, -1, 1, 0,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, -1, -2, 0, 0, -1,
    ];

    public static int Adjustment(int cellKey) => Adjustments[cellKey];
}
