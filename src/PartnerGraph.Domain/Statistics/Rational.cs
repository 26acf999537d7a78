using System.Globalization;
using System.Numerics;

namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// An exact rational number, always in lowest terms with a positive denominator, so that two equal values compare
/// equal. The differential-privacy samplers take their parameters (sigma squared, a Bernoulli exponent, a Laplace
/// scale) in this form because they must never round: see <see cref="DiscreteGaussian"/>.
/// <c>default(Rational)</c> has a zero denominator and is refused by every sampler.
/// </summary>
public readonly record struct Rational
{
    /// <summary>Makes numerator/denominator in lowest terms; the sign is carried by the numerator.</summary>
    /// <exception cref="DivideByZeroException">The denominator is zero.</exception>
    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("A rational number needs a non-zero denominator.");
        }

        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        var divisor = BigInteger.GreatestCommonDivisor(numerator, denominator);
        Numerator = numerator / divisor;
        Denominator = denominator / divisor;
    }

    public BigInteger Numerator { get; }

    /// <summary>Positive for every constructed value; zero only for <c>default(Rational)</c>.</summary>
    public BigInteger Denominator { get; }

    /// <summary>Whether the value is strictly positive (and was constructed, not defaulted).</summary>
    public bool IsPositive => Numerator.Sign > 0 && Denominator.Sign > 0;

    /// <summary>
    /// The exact value of a decimal: a decimal is m / 10^s with a 96-bit integer m and a scale s of 0 to 28, so no
    /// rounding happens here, e.g. <c>FromDecimal(0.02m)</c> is exactly 1/50.
    /// </summary>
    public static Rational FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        var scale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0)
        {
            mantissa = -mantissa;
        }

        return new Rational(mantissa, BigInteger.Pow(10, scale));
    }

    /// <summary>The integer n as n/1.</summary>
    public static Rational FromInteger(BigInteger value) => new(value, BigInteger.One);

    public void Deconstruct(out BigInteger numerator, out BigInteger denominator)
    {
        numerator = Numerator;
        denominator = Denominator;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");
}
