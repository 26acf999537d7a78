using System.Numerics;
using PartnerGraph.Domain.Statistics;

namespace PartnerGraph.Tests.Statistics;

/// <summary>
/// The exact discrete Gaussian sampler against its exact distribution. Every statistical test but the one of the
/// cryptographic source draws from <see cref="UniformSource.Seeded"/>, so the outcome is the same on every run: a
/// failure is a change in behaviour, never bad luck. The thresholds (4 standard errors, the 0.999 quantile of
/// chi-square) are still those of honest tests, and <see cref="A_wrong_sampler_is_rejected_by_the_same_goodness_of_fit_test"/>
/// shows that they reject what is wrong.
/// No test checks "no floating point" by reflection: that sampling uses only integers is by construction, as the
/// production code's comments say (Rational, UniformSource.NextBelow and integer comparisons; doubles appear only in
/// DiscreteGaussian.Variance and MarginOfError95). The test with a sigma^2 no double can hold shows the sampler works
/// from the exact value.
/// </summary>
public sealed class DiscreteGaussianTests
{
    private const int Draws = 200_000;

    /// <summary>The 0.999 quantile of the standard normal distribution.</summary>
    private const double Z999 = 3.090232306167813;

    public static TheoryData<long, long> Gammas() => new() { { 0, 1 }, { 1, 3 }, { 1, 1 }, { 5, 2 }, { 7, 4 } };

    public static TheoryData<long, long> SigmaSquares() => new() { { 1, 1 }, { 50, 7 }, { 200, 1 } };

    [Theory]
    [MemberData(nameof(Gammas))]
    public void Bernoulli_exp_minus_gamma_comes_up_true_with_probability_exp_minus_gamma(long numerator, long denominator)
    {
        var random = UniformSource.Seeded(1);
        var gamma = new Rational(numerator, denominator);
        var successes = 0;
        for (var i = 0; i < Draws; i++)
        {
            successes += DiscreteGaussian.BernoulliExp(gamma, random) ? 1 : 0;
        }

        AssertProportion(successes, Draws, Math.Exp(-(double)numerator / denominator), $"gamma = {gamma}");
    }

    [Fact]
    public void Bernoulli_exp_minus_gamma_is_exact_for_a_gamma_no_64_bit_number_can_hold()
    {
        // gamma = (10^30 + 1) / (3·10^30), just above 1/3: the BigInteger path and uniform integers above 2^64.
        var random = UniformSource.Seeded(2);
        var gamma = new Rational(BigInteger.Pow(10, 30) + 1, 3 * BigInteger.Pow(10, 30));
        var successes = 0;
        for (var i = 0; i < Draws; i++)
        {
            successes += DiscreteGaussian.BernoulliExp(gamma, random) ? 1 : 0;
        }

        AssertProportion(successes, Draws, Math.Exp(-1.0 / 3), $"gamma = {gamma}");
    }

    [Theory]
    [MemberData(nameof(SigmaSquares))]
    public void Samples_fit_the_exact_probabilities_by_a_chi_square_test(long numerator, long denominator)
    {
        var sigmaSquared = new Rational(numerator, denominator);
        var samples = Samples(sigmaSquared, seed: 3);

        var (statistic, degrees) = GoodnessOfFit(samples, GaussianPmf((double)numerator / denominator));

        Assert.True(statistic < ChiSquareQuantile999(degrees), $"sigma^2 = {sigmaSquared}: chi-square {statistic:F1} with {degrees} df, 0.999 quantile {ChiSquareQuantile999(degrees):F1}");
    }

    [Theory]
    [MemberData(nameof(SigmaSquares))]
    public void Sample_mean_is_zero_within_four_standard_errors(long numerator, long denominator)
    {
        var sigmaSquared = new Rational(numerator, denominator);
        var samples = Samples(sigmaSquared, seed: 4);

        var mean = samples.Average(x => (double)x);
        var standardError = Math.Sqrt(DiscreteGaussian.Variance(sigmaSquared) / samples.Length);

        Assert.True(Math.Abs(mean) <= 4 * standardError, $"sigma^2 = {sigmaSquared}: mean {mean}, standard error {standardError}");
    }

    [Theory]
    [MemberData(nameof(SigmaSquares))]
    public void Sample_variance_is_the_exact_variance_of_the_pmf_within_four_standard_errors(long numerator, long denominator)
    {
        var sigmaSquared = new Rational(numerator, denominator);
        var samples = Samples(sigmaSquared, seed: 5);
        var pmf = GaussianPmf((double)numerator / denominator);
        var second = pmf.Sum(p => (double)p.Key * p.Key * p.Value);
        var fourth = pmf.Sum(p => Math.Pow(p.Key, 4) * p.Value);

        // The reported variance is the one of the pmf, computed here independently.
        Assert.Equal(second, DiscreteGaussian.Variance(sigmaSquared), 1e-9 * second);

        // The mean is known to be 0, so the mean of x^2 estimates the variance, with variance (E[X^4] - E[X^2]^2) / n.
        var estimate = samples.Average(x => (double)x * x);
        var standardError = Math.Sqrt((fourth - (second * second)) / samples.Length);
        Assert.True(Math.Abs(estimate - second) <= 4 * standardError, $"sigma^2 = {sigmaSquared}: sample variance {estimate}, exact {second}, standard error {standardError}");
    }

    [Fact]
    public void The_exact_variance_is_slightly_below_sigma_squared()
    {
        var variance = DiscreteGaussian.Variance(new Rational(1, 1));

        // Poisson summation: sigma^2 - Var = 8 pi^2 sigma^4 exp(-2 pi^2 sigma^2) + smaller terms, about 2.1e-7 at 1.
        Assert.InRange(1 - variance, 1.9e-7, 2.3e-7);

        // At 50 the deficit is about exp(-987): the double is sigma^2 up to the rounding of the sum.
        Assert.Equal(50, DiscreteGaussian.Variance(new Rational(50, 1)), 1e-12);
    }

    [Theory]
    [MemberData(nameof(SigmaSquares))]
    public void Positive_and_negative_values_are_equally_likely(long numerator, long denominator)
    {
        var sigmaSquared = new Rational(numerator, denominator);
        var samples = Samples(sigmaSquared, seed: 6);
        var counts = samples.GroupBy(x => x).ToDictionary(g => g.Key, g => g.LongCount());

        // Given n = c(x) + c(-x), c(x) is Binomial(n, 1/2): (c(x) - c(-x))^2 / n is about chi-square with 1 df, and
        // the pairs are independent enough to sum (a McNemar test per pair, pairs with n >= 10 only).
        double statistic = 0;
        var degrees = 0;
        foreach (var x in counts.Keys.Where(x => x > 0))
        {
            var positive = counts[x];
            var negative = counts.GetValueOrDefault(-x);
            if (positive + negative >= 10)
            {
                statistic += (double)(positive - negative) * (positive - negative) / (positive + negative);
                degrees++;
            }
        }

        Assert.True(degrees >= 4, $"only {degrees} pairs");
        Assert.True(statistic < ChiSquareQuantile999(degrees), $"sigma^2 = {sigmaSquared}: symmetry chi-square {statistic:F1} with {degrees} df");

        var positives = samples.Count(x => x > 0);
        var negatives = samples.Count(x => x < 0);
        AssertProportion(positives, positives + negatives, 0.5, "share of positive among non-zero samples");
    }

    [Fact]
    public void A_sigma_squared_that_no_double_can_hold_is_sampled_from_its_exact_value()
    {
        // 50 + 10^-20: the constants of the acceptance test exceed 64 bits, so this runs the BigInteger path. The
        // distribution differs from sigma^2 = 50 by far less than any test could see.
        var sigmaSquared = new Rational((50 * BigInteger.Pow(10, 20)) + 1, BigInteger.Pow(10, 20));
        var samples = Samples(sigmaSquared, seed: 7, draws: 50_000);

        var (statistic, degrees) = GoodnessOfFit(samples, GaussianPmf(50));

        Assert.True(statistic < ChiSquareQuantile999(degrees), $"chi-square {statistic:F1} with {degrees} df");
    }

    [Fact]
    public void Discrete_laplace_fits_its_exact_probabilities()
    {
        // Algorithm 2 with s = 2, t = 5: P(Z = z) proportional to exp(-|z| · 2/5).
        var random = UniformSource.Seeded(8);
        var scale = new Rational(5, 2);
        var samples = new long[Draws];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = DiscreteGaussian.SampleLaplace(scale, random);
        }

        var (statistic, degrees) = GoodnessOfFit(samples, LaplacePmf(2.5));

        Assert.True(statistic < ChiSquareQuantile999(degrees), $"chi-square {statistic:F1} with {degrees} df");
    }

    public static TheoryData<string> WrongSamplers() => new() { "rounded continuous Gaussian with 5% more variance", "discrete Laplace of nearly the same variance" };

    [Theory]
    [MemberData(nameof(WrongSamplers))]
    public void A_wrong_sampler_is_rejected_by_the_same_goodness_of_fit_test(string wrong)
    {
        var samples = new long[Draws];
        if (wrong.StartsWith("rounded", StringComparison.Ordinal))
        {
            // Box-Muller in doubles: what the sampler must not be, and with the wrong variance.
            var random = new Random(9);
            var sigma = Math.Sqrt(50 * 1.05);
            for (var i = 0; i < samples.Length; i++)
            {
                var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                samples[i] = (long)Math.Round(sigma * normal);
            }
        }
        else
        {
            // Scale 5: variance 2e^(-1/5) / (1 - e^(-1/5))^2 = 49.8, against 50: only the shape differs.
            var random = UniformSource.Seeded(9);
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = DiscreteGaussian.SampleLaplace(new Rational(5, 1), random);
            }
        }

        var (statistic, degrees) = GoodnessOfFit(samples, GaussianPmf(50));

        Assert.True(statistic > ChiSquareQuantile999(degrees), $"{wrong}: chi-square {statistic:F1} with {degrees} df was not rejected");
    }

    [Fact]
    public void Margin_of_error_95_is_the_smallest_integer_that_covers_95_percent()
    {
        foreach (var (numerator, denominator) in new[] { (1L, 1L), (50L, 7L), (50L, 1L), (200L, 1L) })
        {
            var pmf = GaussianPmf((double)numerator / denominator);
            var m = DiscreteGaussian.MarginOfError95(new Rational(numerator, denominator));

            Assert.True(pmf.Where(p => Math.Abs(p.Key) <= m).Sum(p => p.Value) >= 0.95, $"{numerator}/{denominator}: m = {m} covers too little");
            Assert.True(pmf.Where(p => Math.Abs(p.Key) <= m - 1).Sum(p => p.Value) < 0.95, $"{numerator}/{denominator}: m = {m} is not the smallest");
        }

        Assert.Equal(14, DiscreteGaussian.MarginOfError95(new Rational(50, 1)));
    }

    [Fact]
    public void Fill_draws_the_same_samples_as_repeated_sample_calls()
    {
        var sigmaSquared = new Rational(50, 7);
        var filled = new long[1000];
        DiscreteGaussian.Fill(filled, sigmaSquared, UniformSource.Seeded(10));

        var random = UniformSource.Seeded(10);
        var one = filled.Select(_ => DiscreteGaussian.Sample(sigmaSquared, random)).ToArray();

        Assert.Equal(one, filled);
        Assert.Contains(filled, x => x != 0);
    }

    [Fact]
    public void Invalid_parameters_are_refused()
    {
        var random = UniformSource.Seeded(11);

        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussian.Sample(default, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussian.Sample(new Rational(-1, 2), random));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussian.Sample(new Rational(0, 1), random));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussian.Sample(new Rational(BigInteger.One << 80, 1), random));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussian.BernoulliExp(new Rational(-1, 3), random));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussian.SampleLaplace(new Rational(0, 1), random));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextBelow(0UL));
        Assert.Throws<DivideByZeroException>(() => new Rational(1, 0));
    }

    public static TheoryData<string> Bounds() => new() { "6", "1000", "3·2^62", "3·2^100" };

    [Theory]
    [MemberData(nameof(Bounds))]
    public void Next_below_is_uniform_for_a_bound_that_is_not_a_power_of_two(string bound)
    {
        var (statistic, degrees) = UniformityOfNextBelow(UniformSource.Seeded(12), bound);

        Assert.True(statistic < ChiSquareQuantile999(degrees), $"bound {bound}: chi-square {statistic:F1} with {degrees} df");
    }

    [Fact]
    public void A_source_with_modulo_bias_is_rejected_by_the_same_uniformity_test()
    {
        // word % (3·2^62): values below 2^62 come up twice as often as the others.
        var (statistic, degrees) = UniformityOfNextBelow(new ModuloSource(13), "3·2^62");

        Assert.True(statistic > ChiSquareQuantile999(degrees), $"chi-square {statistic:F1} with {degrees} df was not rejected");
    }

    [Fact]
    public void Seeded_source_repeats_its_sequence_for_the_same_seed_only()
    {
        ulong[] Draw(ulong seed)
        {
            var random = UniformSource.Seeded(seed);
            return Enumerable.Range(0, 100).Select(_ => random.NextBelow(ulong.MaxValue)).ToArray();
        }

        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));
    }

    [Fact]
    public void Cryptographic_source_can_be_shared_by_parallel_threads()
    {
        // Not seeded: the only test that can fail by chance, with a bound of 5 standard errors (about 6e-7).
        const int Chunks = 16, PerChunk = 10_000;
        var sigmaSquared = new Rational(50, 1);
        var sums = new long[Chunks];
        var squares = new long[Chunks];

        Parallel.For(0, Chunks, chunk =>
        {
            var noise = new long[PerChunk];
            if (chunk % 2 == 0)
            {
                DiscreteGaussian.Fill(noise, sigmaSquared, UniformSource.Cryptographic);
            }
            else
            {
                for (var i = 0; i < noise.Length; i++)
                {
                    noise[i] = DiscreteGaussian.Sample(sigmaSquared, UniformSource.Cryptographic);
                }
            }

            sums[chunk] = noise.Sum();
            squares[chunk] = noise.Sum(x => x * x);
        });

        const double N = Chunks * PerChunk;
        var mean = sums.Sum() / N;
        var standardError = Math.Sqrt(50 / N);
        Assert.True(Math.Abs(mean) <= 5 * standardError, $"mean {mean}, standard error {standardError}");
        Assert.InRange(squares.Sum() / N, 45, 55);
    }

    [Fact]
    public void Rational_from_decimal_is_exact_and_in_lowest_terms()
    {
        Assert.Equal(new Rational(1, 50), Rational.FromDecimal(0.02m));
        Assert.Equal((BigInteger.One, new BigInteger(50)), (Rational.FromDecimal(0.02m).Numerator, Rational.FromDecimal(0.02m).Denominator));
        Assert.Equal(new Rational(3, 2), Rational.FromDecimal(1.50m));
        Assert.Equal(new Rational(-1, 4), Rational.FromDecimal(-0.25m));
        Assert.Equal(new Rational(200, 1), Rational.FromDecimal(200m));
        Assert.Equal(new Rational(1, BigInteger.Pow(10, 28)), Rational.FromDecimal(0.0000000000000000000000000001m));
        Assert.Equal(new Rational((BigInteger.One << 96) - 1, 1), Rational.FromDecimal(decimal.MaxValue));
        Assert.Equal(new Rational(1, 50), new Rational(-2, -100));
        Assert.Equal("-1/4", new Rational(2, -8).ToString());
    }

    private static long[] Samples(Rational sigmaSquared, ulong seed, int draws = Draws)
    {
        var samples = new long[draws];
        DiscreteGaussian.Fill(samples, sigmaSquared, UniformSource.Seeded(seed));
        return samples;
    }

    private static void AssertProportion(long successes, long trials, double p, string what)
    {
        var observed = (double)successes / trials;
        var standardError = Math.Sqrt(p * (1 - p) / trials);
        Assert.True(Math.Abs(observed - p) <= 4 * standardError, $"{what}: observed {observed}, expected {p}, standard error {standardError}");
    }

    /// <summary>P(X = x) of the discrete Gaussian, normalised over every x where it is not below 1e-300.</summary>
    private static Dictionary<long, double> GaussianPmf(double sigmaSquared) =>
        Normalise(x => Math.Exp(-(double)x * x / (2 * sigmaSquared)));

    /// <summary>P(Z = z) of the discrete Laplace with the given scale.</summary>
    private static Dictionary<long, double> LaplacePmf(double scale) => Normalise(x => Math.Exp(-Math.Abs(x) / scale));

    private static Dictionary<long, double> Normalise(Func<long, double> weight)
    {
        var weights = new Dictionary<long, double> { [0] = weight(0) };
        for (long x = 1; weight(x) > 1e-300; x++)
        {
            weights[x] = weight(x);
            weights[-x] = weight(-x);
        }

        var total = weights.Values.Sum();
        return weights.ToDictionary(p => p.Key, p => p.Value / total);
    }

    /// <summary>
    /// Pearson's chi-square of the samples against a symmetric pmf: one bin per value x with |x| &lt; M, and the two
    /// tails x &lt;= -M and x >= M, where M is the largest value whose expected count is still at least 5 (so every
    /// bin expects at least 5). No parameter is estimated, so the degrees of freedom are the bins less one.
    /// </summary>
    private static (double Statistic, int Degrees) GoodnessOfFit(long[] samples, Dictionary<long, double> pmf)
    {
        long n = samples.Length;
        long edge = 0;
        while (n * pmf.GetValueOrDefault(edge + 1) >= 5)
        {
            edge++;
        }

        Assert.True(edge >= 2, "too few draws for this pmf");
        var bins = new long[(2 * edge) + 1];
        foreach (var x in samples)
        {
            bins[Math.Clamp(x, -edge, edge) + edge]++;
        }

        double statistic = 0;
        for (var bin = -edge; bin <= edge; bin++)
        {
            var probability = bin == -edge || bin == edge
                ? pmf.Where(p => Math.Abs(p.Key) >= edge && Math.Sign(p.Key) == Math.Sign(bin)).Sum(p => p.Value)
                : pmf[bin];
            var expected = n * probability;
            var difference = bins[bin + edge] - expected;
            statistic += difference * difference / expected;
        }

        return (statistic, bins.Length - 1);
    }

    /// <summary>
    /// The 0.999 quantile of chi-square with k degrees of freedom by the Wilson-Hilferty approximation,
    /// k (1 - 2/(9k) + z sqrt(2/(9k)))^3 with z the normal 0.999 quantile. From 4 degrees of freedom on it is within
    /// 1.5% of the exact value and slightly above it (e.g. 18.72 for 18.47 at k = 4, 26.32 for 26.12 at k = 8,
    /// 149.50 for 149.45 at k = 100), so the tests are if anything a little lenient, never stricter than 0.999.
    /// </summary>
    private static double ChiSquareQuantile999(int k)
    {
        Assert.True(k >= 4, $"Wilson-Hilferty is used from 4 degrees of freedom on, not {k}");
        var c = 2.0 / (9 * k);
        return k * Math.Pow(1 - c + (Z999 * Math.Sqrt(c)), 3);
    }

    /// <summary>
    /// Chi-square of 60,000 draws of NextBelow(bound) in 6 or 1000 equal buckets (the bound is a multiple of the
    /// bucket count, so every bucket holds the same number of values).
    /// </summary>
    private static (double Statistic, int Degrees) UniformityOfNextBelow(UniformSource random, string bound)
    {
        const int Count = 60_000;
        Func<int> draw = bound switch
        {
            "6" => () => (int)random.NextBelow(6UL),
            "1000" => () => (int)random.NextBelow(1000UL),
            "3·2^62" => () => (int)(random.NextBelow(3UL << 62) >> 61),
            "3·2^100" => () => (int)(random.NextBelow(new BigInteger(3) << 100) >> 99),
            _ => throw new ArgumentOutOfRangeException(nameof(bound)),
        };
        var buckets = new long[bound == "1000" ? 1000 : 6];
        for (var i = 0; i < Count; i++)
        {
            buckets[draw()]++;
        }

        var expected = (double)Count / buckets.Length;
        var statistic = buckets.Sum(b => (b - expected) * (b - expected) / expected);
        return (statistic, buckets.Length - 1);
    }

    /// <summary>What UniformSource must not do: reduce a random word modulo the bound.</summary>
    private sealed class ModuloSource(ulong seed) : UniformSource
    {
        private readonly UniformSource words = Seeded(seed);

        public override ulong NextBelow(ulong exclusiveMax) =>
            ((words.NextBelow(1UL << 32) << 32) | words.NextBelow(1UL << 32)) % exclusiveMax;
    }
}
