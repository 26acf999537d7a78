using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// Where the differential-privacy samplers get their randomness: exactly uniform integers, nothing else (no doubles).
/// <see cref="Cryptographic"/> is the production source; <see cref="Seeded"/> is for tests and reproducible attacker
/// simulations only. A subclass must make <see cref="NextBelow(ulong)"/> exactly uniform, which rules out
/// <c>x % n</c> on a random word (modulo bias): reject and draw again instead.
/// </summary>
public abstract class UniformSource
{
    /// <summary>
    /// The production source: the operating system's cryptographic generator
    /// (<see cref="RandomNumberGenerator"/>). Thread-safe: each thread draws from its own buffer of generator output.
    /// </summary>
    public static UniformSource Cryptographic { get; } = new CryptographicSource();

    /// <summary>
    /// A deterministic source: xoshiro256** (Blackman and Vigna, 2018) whose 256-bit state is filled from
    /// <paramref name="seed"/> by SplitMix64. The same seed gives the same sequence on every machine.
    /// NOT FOR PRODUCTION: anyone who learns or guesses the seed can subtract the noise. Not thread-safe.
    /// </summary>
    public static UniformSource Seeded(ulong seed) => new XoshiroSource(seed);

    /// <summary>An integer drawn uniformly from 0 to <paramref name="exclusiveMax"/> - 1, without bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exclusiveMax"/> is zero.</exception>
    public abstract ulong NextBelow(ulong exclusiveMax);

    /// <summary>
    /// An integer drawn uniformly from 0 to <paramref name="exclusiveMax"/> - 1 for a bound of any size, without bias:
    /// above 2^64 it draws the bit length of the bound in 32-bit pieces (each exactly uniform by
    /// <see cref="NextBelow(ulong)"/>) and starts again when the number is not below the bound (at most half the time).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exclusiveMax"/> is not positive.</exception>
    public BigInteger NextBelow(BigInteger exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        if (exclusiveMax <= ulong.MaxValue)
        {
            return NextBelow((ulong)exclusiveMax);
        }

        var bits = exclusiveMax.GetBitLength();
        while (true)
        {
            var value = BigInteger.Zero;
            var remaining = bits;
            while (remaining > 0)
            {
                var piece = (int)Math.Min(32, remaining);
                value = (value << piece) | NextBelow(1UL << piece);
                remaining -= piece;
            }

            if (value < exclusiveMax)
            {
                return value;
            }
        }
    }

    /// <summary>
    /// Sources that produce uniform 64-bit words and turn them into bounded integers by Lemire's multiply-and-reject
    /// method ("Fast random integer generation in an interval", 2019): exact, and usually one word per draw. Bounds
    /// below 2^32 (nearly all draws of the samplers) use the 32-bit form of the method on a 32-bit word, which halves
    /// the generator output the cryptographic source must produce.
    /// </summary>
    private abstract class WordSource : UniformSource
    {
        public sealed override ulong NextBelow(ulong exclusiveMax)
        {
            ArgumentOutOfRangeException.ThrowIfZero(exclusiveMax);
            if (exclusiveMax == 1)
            {
                return 0;
            }

            if (exclusiveMax <= uint.MaxValue)
            {
                var bound = (uint)exclusiveMax;
                var product = (ulong)NextHalfWord() * bound;
                if ((uint)product < bound)
                {
                    // 2^32 mod n: the products whose low half falls below it are the surplus that would bias the result.
                    var smallThreshold = (0U - bound) % bound;
                    while ((uint)product < smallThreshold)
                    {
                        product = (ulong)NextHalfWord() * bound;
                    }
                }

                return product >> 32;
            }

            var high = Math.BigMul(NextWord(), exclusiveMax, out var low);
            if (low < exclusiveMax)
            {
                // 2^64 mod n, as above.
                var threshold = (0UL - exclusiveMax) % exclusiveMax;
                while (low < threshold)
                {
                    high = Math.BigMul(NextWord(), exclusiveMax, out low);
                }
            }

            return high;
        }

        /// <summary>A uniform 64-bit word.</summary>
        protected abstract ulong NextWord();

        /// <summary>A uniform 32-bit word; by default the low half of <see cref="NextWord"/>.</summary>
        protected virtual uint NextHalfWord() => (uint)NextWord();
    }

    /// <summary>
    /// Reads the generator 4 KiB at a time: each call has a fixed cost that, for small reads, dwarfs the bytes (measured
    /// here: 65 MB/s in 512-byte reads, 735 MB/s in 4 KiB reads), and a sample at sigma^2 = 50 needs about 70 bytes.
    /// </summary>
    private sealed class CryptographicSource : WordSource
    {
        private const int BufferWords = 1024;

        [ThreadStatic]
        private static uint[]? buffer;

        [ThreadStatic]
        private static int position;

        protected override ulong NextWord() => ((ulong)NextHalfWord() << 32) | NextHalfWord();

        /// <summary>The next 32 bits of this thread's buffer of generator output, each used once and then zeroed.</summary>
        protected override uint NextHalfWord()
        {
            var words = buffer;
            if (words is null)
            {
                words = buffer = new uint[BufferWords];
                position = BufferWords;
            }

            if (position == BufferWords)
            {
                RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(words.AsSpan()));
                position = 0;
            }

            var word = words[position];
            words[position++] = 0;
            return word;
        }
    }

    private sealed class XoshiroSource : WordSource
    {
        private ulong s0, s1, s2, s3;

        public XoshiroSource(ulong seed)
        {
            s0 = SplitMix64(ref seed);
            s1 = SplitMix64(ref seed);
            s2 = SplitMix64(ref seed);
            s3 = SplitMix64(ref seed);
        }

        protected override ulong NextWord()
        {
            var result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = BitOperations.RotateLeft(s3, 45);
            return result;
        }

        private static ulong SplitMix64(ref ulong state)
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
