namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// How accurate a table must be: each level is a privacy loss (rho of zero-concentrated differential privacy, Bun and
/// Steinke 2016) charged to the organisation's budget. More accuracy costs more of the budget.
/// </summary>
public enum Accuracy
{
    /// <summary>rho = 0.005: a wide margin of error, four times as many tables as STANDARD.</summary>
    Low,

    /// <summary>rho = 0.02: the default.</summary>
    Standard,

    /// <summary>rho = 0.1: a narrow margin of error, a fifth as many tables as STANDARD.</summary>
    High,
}

/// <summary>
/// The arithmetic of privacy loss. Amounts of rho are kept as whole millionths (micro-rho) so that budgets add up
/// exactly in the database, with no rounding between instances.
/// </summary>
public static class PrivacyLoss
{
    public const long MicroPerRho = 1_000_000;

    /// <summary>The smallest and largest rho one question may ask for.</summary>
    public const decimal MinimumRho = 0.0001m;

    public const decimal MaximumRho = 1m;

    /// <summary>The rho of an accuracy level, in micro-rho.</summary>
    public static long MicroRho(Accuracy accuracy) => accuracy switch
    {
        Accuracy.Low => 5_000,
        Accuracy.High => 100_000,
        _ => 20_000,
    };

    public static long ToMicro(decimal rho) => (long)decimal.Round(rho * MicroPerRho, MidpointRounding.AwayFromZero);

    public static decimal FromMicro(long microRho) => (decimal)microRho / MicroPerRho;

    /// <summary>
    /// The variance sigma^2 of the discrete Gaussian that makes a release of L2 sensitivity sqrt(<paramref name="sensitivitySquared"/>)
    /// rho-zCDP: sigma^2 = sensitivity^2 / (2 rho) (Canonne, Kamath and Steinke 2020, Theorem 4; Bun and Steinke 2016).
    /// Exact: rho is in micro-rho, so sigma^2 = sensitivity^2 * 10^6 / (2 * microRho).
    /// </summary>
    public static Rational SigmaSquared(long microRho, int sensitivitySquared)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(microRho);
        return new Rational(sensitivitySquared * MicroPerRho, 2 * microRho);
    }

    /// <summary>The epsilon of (epsilon, delta)-DP that rho-zCDP implies: rho + 2 sqrt(rho ln(1/delta)) (Bun and Steinke 2016, Proposition 1.3).</summary>
    public static double Epsilon(double rho, double delta) => rho + (2 * Math.Sqrt(rho * Math.Log(1 / delta)));
}
