using System.Numerics;

namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// The discrete Gaussian N_Z(0, sigma^2), P(X = x) proportional to exp(-x^2 / (2 sigma^2)) for every integer x, sampled
/// exactly by the algorithms of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS
/// 2020, arXiv:2004.00010): Algorithm 1 (<see cref="BernoulliExp"/>), Algorithm 2 (<see cref="SampleLaplace"/>) and
/// Algorithm 3 (<see cref="Sample"/>, <see cref="Fill"/>).
/// <para>
/// No floating point is used in sampling, only integer and rational arithmetic on exactly uniform integers from a
/// <see cref="UniformSource"/>. Floating-point noise is not the distribution its proof is about: its low bits depend on
/// the true value and on rounding, so an attacker who sees the noisy figure can tell neighbouring inputs apart
/// (Mironov, "On significance of the least significant bits for differential privacy", CCS 2012). Here every
/// probability is a ratio of integers and every coin is a comparison of integers, so the output has exactly the
/// discrete Gaussian distribution and the privacy guarantee holds as proven. Only <see cref="Variance"/> and
/// <see cref="MarginOfError95"/>, which describe the noise for reports, use doubles.
/// </para>
/// <para>
/// Bounds: sigma^2 must be positive with floor(sigma) below 2^40 (so sigma^2 below about 1.2e24). Sampling uses
/// <see cref="ulong"/>/<see cref="UInt128"/> arithmetic when the constant 2·p·q·t^2 of Algorithm 3 fits in 64 bits
/// (sigma^2 = p/q in lowest terms, t = floor(sigma) + 1; e.g. any sigma^2 up to 10^4 with a denominator up to 10^5),
/// and <see cref="BigInteger"/> otherwise. A sample that does not fit in a <see cref="long"/> throws
/// <see cref="OverflowException"/>; it would take a run of about 2^23 consecutive successes of a coin of probability
/// 1/e, which does not happen.
/// </para>
/// </summary>
public static class DiscreteGaussian
{
    private static readonly BigInteger MaxFloorSigma = BigInteger.One << 40;

    /// <summary>
    /// One sample of the discrete Gaussian with variance parameter <paramref name="sigmaSquared"/>: Algorithm 3 of the
    /// paper, rejection from the discrete Laplace with scale t = floor(sigma) + 1, accepting Y with probability
    /// exp(-(|Y| - sigma^2/t)^2 / (2 sigma^2)). Exact; see the type's remarks for why there is no floating point.
    /// For many cells with the same sigma^2 use <see cref="Fill"/>, which works out the constants once.
    /// </summary>
    public static long Sample(Rational sigmaSquared, UniformSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new Parameters(sigmaSquared).Sample(random);
    }

    /// <summary>
    /// Fills <paramref name="noise"/> with independent samples of the discrete Gaussian (Algorithm 3 of the paper, as
    /// <see cref="Sample"/>), working out t = floor(sigma) + 1 and the rational constants of the acceptance test once.
    /// </summary>
    public static void Fill(Span<long> noise, Rational sigmaSquared, UniformSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var parameters = new Parameters(sigmaSquared);
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = parameters.Sample(random);
        }
    }

    /// <summary>
    /// A coin that comes up true with probability exactly exp(-<paramref name="gamma"/>), for a rational gamma >= 0:
    /// Algorithm 1 of the paper. For gamma in [0, 1] it counts how many coins of probability gamma/1, gamma/2, ...
    /// succeed in a row, and returns true when the first failure is at an odd position (the alternating series of
    /// exp(-gamma)); for gamma > 1 it needs floor(gamma) coins of exp(-1) and one of exp(-(gamma - floor(gamma))).
    /// Each coin gamma/k = n/(d·k) is the integer comparison U &lt; n for U uniform below d·k. No floating point.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is negative or not constructed.</exception>
    public static bool BernoulliExp(Rational gamma, UniformSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (gamma.Numerator.Sign < 0 || gamma.Denominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be a rational number of at least 0.");
        }

        return BernoulliExp(gamma.Numerator, gamma.Denominator, random);
    }

    /// <summary>
    /// One sample of the discrete Laplace distribution with the given scale, P(Z = z) proportional to
    /// exp(-|z| / scale): Algorithm 2 of the paper, with scale = t/s. It draws X = U + t·V with U uniform below t
    /// (kept with probability exp(-U/t)) and V geometric (a run of exp(-1) coins), so X is geometric with parameter
    /// 1 - exp(-1/t); then Y = floor(X/s) and a random sign, rejecting the negative zero. Exact, no floating point.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not positive, or its numerator or denominator in lowest terms is 2^63 or more.</exception>
    public static long SampleLaplace(Rational scale, UniformSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!scale.IsPositive || scale.Numerator > long.MaxValue || scale.Denominator > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be positive, with numerator and denominator below 2^63.");
        }

        var t = (ulong)scale.Numerator;
        var s = (ulong)scale.Denominator;
        while (true)
        {
            var x = GeometricBelowScale(t, random);
            var y = x / s;
            var negative = random.NextBelow(2) == 1;
            if (negative && y == 0)
            {
                continue;
            }

            return negative ? -checked((long)y) : checked((long)y);
        }
    }

    /// <summary>
    /// The exact variance of the discrete Gaussian, E[X^2] = sum x^2 exp(-x^2/(2 sigma^2)) / sum exp(-x^2/(2 sigma^2)),
    /// by summing the probability mass function in double precision, out to where the terms vanish (about 39 sigma).
    /// For reports only, never for sampling. It is below sigma^2, by about 8 pi^2 sigma^4 exp(-2 pi^2 sigma^2) (Poisson
    /// summation): 2.1e-7 at sigma^2 = 1, and beneath double precision from sigma^2 of about 2 on, where the
    /// rounding of the sum (relative 1e-15 or so) can put the result a hair above sigma^2. Time O(sigma).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">sigma^2 is not positive, or above 10^12.</exception>
    public static double Variance(Rational sigmaSquared)
    {
        var variance = ReportedSigmaSquared(sigmaSquared);
        double mass = 1, second = 0;
        for (long x = 1; ; x++)
        {
            var weight = Weight(x, variance);
            if (weight == 0)
            {
                return second / mass;
            }

            mass += 2 * weight;
            second += 2 * (double)x * x * weight;
        }
    }

    /// <summary>
    /// The 95% margin of error of the noise: the smallest integer m with P(|X| &lt;= m) >= 0.95, from the probability
    /// mass function summed in double precision (so a case within about 1e-15 of 0.95 could come out one off). A
    /// published count is then within ±m of the true count with probability at least 95% (e.g. m = 14 at
    /// sigma^2 = 50). For reports only, never for sampling. Time O(sigma).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">sigma^2 is not positive, or above 10^12.</exception>
    public static long MarginOfError95(Rational sigmaSquared)
    {
        var variance = ReportedSigmaSquared(sigmaSquared);
        double mass = 1;
        for (long x = 1; ; x++)
        {
            var weight = Weight(x, variance);
            if (weight == 0)
            {
                break;
            }

            mass += 2 * weight;
        }

        double inside = 1;
        long m = 0;
        while (inside < 0.95 * mass)
        {
            m++;
            inside += 2 * Weight(m, variance);
        }

        return m;
    }

    /// <summary>sigma^2 as a double, for the reported figures only.</summary>
    private static double ReportedSigmaSquared(Rational sigmaSquared)
    {
        if (!sigmaSquared.IsPositive || sigmaSquared.Numerator > sigmaSquared.Denominator * 1_000_000_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaSquared), sigmaSquared, "sigma^2 must be positive and at most 10^12 for the reported figures.");
        }

        var numerator = (double)sigmaSquared.Numerator;
        var denominator = (double)sigmaSquared.Denominator;
        return double.IsFinite(numerator) && double.IsFinite(denominator)
            ? numerator / denominator
            : Math.Exp(BigInteger.Log(sigmaSquared.Numerator) - BigInteger.Log(sigmaSquared.Denominator));
    }

    /// <summary>exp(-x^2 / (2 sigma^2)), the unnormalised probability of x; 0 from about x = 38.6 sigma on.</summary>
    private static double Weight(long x, double variance) => Math.Exp(-(double)x * x / (2 * variance));

    /// <summary>
    /// X = U + t·V with U uniform below t accepted with probability exp(-U/t), and V the number of exp(-1) coins that
    /// succeed before the first failure: geometric, P(X = x) proportional to exp(-x/t). The first half of Algorithm 2.
    /// </summary>
    private static ulong GeometricBelowScale(ulong t, UniformSource random)
    {
        while (true)
        {
            var u = random.NextBelow(t);
            if (!BernoulliExp(u, t, random))
            {
                continue;
            }

            ulong v = 0;
            while (BernoulliExpMinusOne(random))
            {
                v++;
            }

            return checked(u + (t * v));
        }
    }

    /// <summary>Algorithm 1 for gamma = numerator/denominator with a 64-bit denominator: no BigInteger.</summary>
    private static bool BernoulliExp(UInt128 numerator, ulong denominator, UniformSource random)
    {
        var whole = numerator / denominator;
        var remainder = (ulong)(numerator % denominator);
        for (UInt128 i = 0; i < whole; i++)
        {
            if (!BernoulliExpMinusOne(random))
            {
                return false;
            }
        }

        return remainder == 0 || BernoulliExpFraction(remainder, denominator, random);
    }

    /// <summary>Algorithm 1 for any rational gamma = numerator/denominator >= 0, in BigInteger when it does not fit in 64 bits.</summary>
    private static bool BernoulliExp(BigInteger numerator, BigInteger denominator, UniformSource random)
    {
        if (denominator <= ulong.MaxValue && numerator <= UInt128.MaxValue)
        {
            return BernoulliExp((UInt128)numerator, (ulong)denominator, random);
        }

        var whole = BigInteger.DivRem(numerator, denominator, out var remainder);
        for (var i = BigInteger.Zero; i < whole; i++)
        {
            if (!BernoulliExpMinusOne(random))
            {
                return false;
            }
        }

        if (remainder.IsZero)
        {
            return true;
        }

        ulong k = 1;
        while (random.NextBelow(k) == 0 && random.NextBelow(denominator) < remainder)
        {
            k++;
        }

        return (k & 1) == 1;
    }

    /// <summary>
    /// Algorithm 1 for gamma = r/d in [0, 1]: K counts the successes of coins gamma/1, gamma/2, ... and the result is
    /// whether the first failure is at an odd K. The coin r/(d·k) is "U &lt; r" for U uniform below d·k; writing
    /// U = W·d + R with W uniform below k and R uniform below d, and r &lt;= d, that is "W = 0 and R &lt; r", which needs
    /// no product d·k and so no overflow, and the second draw only when the first succeeds.
    /// </summary>
    private static bool BernoulliExpFraction(ulong r, ulong d, UniformSource random)
    {
        ulong k = 1;
        while (random.NextBelow(k) == 0 && random.NextBelow(d) < r)
        {
            k++;
        }

        return (k & 1) == 1;
    }

    /// <summary>Algorithm 1 for gamma = 1: coins 1/1, 1/2, 1/3, ...; true with probability exactly 1/e.</summary>
    private static bool BernoulliExpMinusOne(UniformSource random)
    {
        ulong k = 1;
        while (random.NextBelow(k) == 0)
        {
            k++;
        }

        return (k & 1) == 1;
    }

    /// <summary>
    /// The constants of Algorithm 3 for sigma^2 = p/q: t = floor(sigma) + 1, and the acceptance exponent
    /// (|Y| - sigma^2/t)^2 / (2 sigma^2) = (|Y|·q·t - p)^2 / (2·p·q·t^2), whose denominator does not depend on Y.
    /// </summary>
    private readonly struct Parameters
    {
        private readonly BigInteger p;
        private readonly BigInteger q;

        /// <summary>floor(sigma) + 1, at most 2^40.</summary>
        private readonly ulong t;

        /// <summary>q·t and 2·p·q·t^2 when the latter fits in 64 bits (then so does everything else), else 0.</summary>
        private readonly ulong qt, p64, denominator;

        public Parameters(Rational sigmaSquared)
        {
            if (!sigmaSquared.IsPositive)
            {
                throw new ArgumentOutOfRangeException(nameof(sigmaSquared), sigmaSquared, "sigma^2 must be a positive rational number.");
            }

            p = sigmaSquared.Numerator;
            q = sigmaSquared.Denominator;

            // floor(sqrt(p/q)) = floor(sqrt(floor(p/q))), the integer square root of an integer: no floating point.
            var floorSigma = IntegerSquareRoot(p / q);
            if (floorSigma >= MaxFloorSigma)
            {
                throw new ArgumentOutOfRangeException(nameof(sigmaSquared), sigmaSquared, "floor(sigma) must be below 2^40.");
            }

            t = (ulong)(floorSigma + 1);
            var denominatorBig = 2 * p * q * t * t;
            if (denominatorBig <= ulong.MaxValue)
            {
                p64 = (ulong)p;
                qt = (ulong)(q * t);
                denominator = (ulong)denominatorBig;
            }
        }

        public long Sample(UniformSource random)
        {
            while (true)
            {
                // Algorithm 2 with s = 1: the discrete Laplace with scale t.
                var x = GeometricBelowScale(t, random);
                var negative = random.NextBelow(2) == 1;
                if (negative && x == 0)
                {
                    continue;
                }

                // Algorithm 3: keep Y with probability exp(-(|x|·q·t - p)^2 / (2·p·q·t^2)).
                if (Accept(x, random))
                {
                    return negative ? -checked((long)x) : checked((long)x);
                }
            }
        }

        private bool Accept(ulong x, UniformSource random)
        {
            if (denominator != 0)
            {
                // |x·qt - p| < 2^64 whenever x·qt < 2^64 (p < 2^64): then its square fits in a UInt128.
                var high = Math.BigMul(x, qt, out var low);
                if (high == 0)
                {
                    var difference = low >= p64 ? low - p64 : p64 - low;
                    return BernoulliExp((UInt128)difference * difference, denominator, random);
                }
            }

            var numerator = (x * q * t) - p;
            return BernoulliExp(numerator * numerator, 2 * p * q * t * t, random);
        }

        private static BigInteger IntegerSquareRoot(BigInteger n)
        {
            if (n < 2)
            {
                return n;
            }

            // Newton's method from above: starts at 2^ceil(bits/2) >= sqrt(n) and decreases to floor(sqrt(n)).
            var x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
            while (true)
            {
                var next = (x + (n / x)) >> 1;
                if (next >= x)
                {
                    return x;
                }

                x = next;
            }
        }
    }
}
