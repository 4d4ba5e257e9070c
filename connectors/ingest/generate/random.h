#pragma once
// Seeded randomness for the synthetic data generator, identical on every machine.
//
// The standard library's distributions (std::uniform_int_distribution, std::normal_...) are
// implementation-defined, and libm's exp/log may differ in the last bit between platforms, so
// every draw here is integer arithmetic on the output of xoshiro256** (seeded by splitmix64):
// the same (seed, stream) gives the same numbers with any compiler, libc or CPU.

#include <array>
#include <cstdint>
#include <span>

#include "domain/check.h"

namespace vbp::generate {

// splitmix64 (Steele, Lea, Flood 2014): a seed expander and a good 64-bit mixer.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A stateless 64-bit hash of (a, b): used to derive independent streams and stable ids.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t s = a ^ (b * 0xD1B54A32D192ED03ULL);
  SplitMix64(s);
  return SplitMix64(s);
}

// xoshiro256** 1.0 (Blackman, Vigna 2018). Invariant: the state is never all zero.
class Rng {
 public:
  // Stream `stream` of seed `seed`: streams are independent for practical purposes, so each
  // member draws from its own stream and the population does not depend on draw order.
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t s = Mix(seed, stream);
    for (auto& w : s_) w = SplitMix64(s);
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n >= 1, without modulo bias (rejection of the short last interval).
  uint64_t Below(uint64_t n) {
    VBP_CHECK(n >= 1);
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform integer in [lo, hi], lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    VBP_CHECK(lo <= hi);
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability per_million / 10^6 (to within 2^-32).
  bool Chance(uint32_t per_million) {
    const uint64_t threshold = (static_cast<uint64_t>(per_million) << 32) / 1'000'000;
    return (Next() >> 32) < threshold;
  }

  // 32 uniform bits.
  uint32_t Bits32() { return static_cast<uint32_t>(Next() >> 32); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_{};
};

// Index drawn with the given non-negative integer weights (at least one positive).
inline size_t PickWeighted(Rng& rng, std::span<const uint32_t> weights) {
  uint64_t total = 0;
  for (uint32_t w : weights) total += w;
  VBP_CHECK(total > 0);
  uint64_t r = rng.Below(total);
  for (size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  VBP_CHECK(false);
  return 0;
}

// A distribution given by its inverse CDF at 65 points (p = 0, 1/64, ..., 1; the ends stand
// for the 0.4% and 99.6% quantiles), linearly interpolated. Values are integers in the
// table's unit (e.g. 1/10000). Tables are computed offline (see README.md) so that no
// transcendental function runs at generation time.
struct QuantileTable {
  std::array<int32_t, 65> v;

  int64_t Sample(Rng& rng) const {
    const uint64_t u = rng.Next() >> 42;  // 22 bits: 6 for the cell, 16 for the position
    const size_t cell = static_cast<size_t>(u >> 16);
    const int64_t frac = static_cast<int64_t>(u & 0xFFFF);
    const int64_t a = v[cell];
    const int64_t b = v[cell + 1];
    return a + ((b - a) * frac) / 65536;
  }
};

// exp(sigma * Z) × 10^4 for a standard normal Z: lognormal multipliers with median 1.
inline constexpr QuantileTable kLogNormal025 = {
    {5143,  5836,  6277,  6577,  6815,  7016,  7193,  7353,  7501,  7639,  7769,  7892,  8011,
     8125,  8236,  8343,  8448,  8551,  8652,  8752,  8850,  8947,  9043,  9139,  9234,  9329,
     9424,  9519,  9614,  9710,  9806,  9903,  10000, 10098, 10198, 10299, 10401, 10505, 10611,
     10719, 10829, 10942, 11058, 11177, 11300, 11427, 11558, 11694, 11837, 11986, 12142, 12308,
     12483, 12671, 12872, 13092, 13332, 13600, 13903, 14254, 14675, 15204, 15931, 17134, 19445}};
inline constexpr QuantileTable kLogNormal035 = {
    {3942,  4705,  5210,  5562,  5845,  6088,  6305,  6502,  6686,  6858,  7022,  7179,  7331,
     7478,  7620,  7760,  7897,  8032,  8165,  8297,  8428,  8557,  8687,  8816,  8945,  9074,
     9203,  9333,  9464,  9596,  9729,  9864,  10000, 10138, 10278, 10421, 10566, 10714, 10866,
     11021, 11180, 11343, 11512, 11686, 11866, 12053, 12247, 12450, 12663, 12886, 13123, 13373,
     13641, 13929, 14240, 14581, 14957, 15380, 15861, 16425, 17108, 17978, 19193, 21252, 25371}};
inline constexpr QuantileTable kLogNormal050 = {
    {2645,  3406,  3940,  4326,  4644,  4922,  5174,  5407,  5626,  5835,  6035,  6229,  6417,
     6602,  6783,  6961,  7137,  7312,  7486,  7659,  7832,  8005,  8178,  8352,  8527,  8704,
     8882,  9062,  9244,  9428,  9616,  9806,  10000, 10198, 10400, 10607, 10818, 11036, 11259,
     11489, 11727, 11973, 12228, 12493, 12768, 13057, 13358, 13676, 14011, 14366, 14743, 15148,
     15583, 16054, 16570, 17139, 17774, 18495, 19329, 20318, 21534, 23117, 25380, 29357, 37812}};
inline constexpr QuantileTable kLogNormal060 = {
    {2027,  2746,  3271,  3658,  3983,  4271,  4535,  4781,  5015,  5239,  5455,  5666,  5873,
     6076,  6276,  6475,  6672,  6868,  7065,  7261,  7458,  7656,  7856,  8057,  8260,  8465,
     8673,  8885,  9099,  9318,  9540,  9768,  10000, 10238, 10482, 10732, 10990, 11255, 11529,
     11813, 12107, 12412, 12730, 13061, 13408, 13772, 14155, 14560, 14988, 15445, 15934, 16459,
     17028, 17649, 18331, 19089, 19941, 20916, 22052, 23412, 25105, 27334, 30576, 36412, 49335}};

// amount × multiplier / 10^4, rounded half up (amounts are non-negative cents).
inline int64_t ScaleBy(int64_t amount, int64_t multiplier_e4) {
  return (amount * multiplier_e4 + 5000) / 10000;
}

// Integer square root: the largest r with r*r <= n.
inline uint64_t ISqrt(uint64_t n) {
  uint64_t r = 0;
  uint64_t bit = 1ULL << 62;
  while (bit > n) bit >>= 2;
  while (bit != 0) {
    if (n >= r + bit) {
      n -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return r;
}

// A Pareto(alpha = 2) draw with scale `minimum`, capped at `maximum`: minimum / sqrt(U).
// Heavy-tailed costs (outlier stays) without floating point.
inline int64_t Pareto2(Rng& rng, int64_t minimum, int64_t maximum) {
  const uint64_t u = (rng.Next() >> 32) + 1;  // (0, 2^32]
  const uint64_t root = ISqrt(u << 20);       // sqrt(u) × 2^10, u × 2^20 <= 2^52
  // minimum × 2^26 / root = minimum / sqrt(u / 2^32)
  const int64_t x = static_cast<int64_t>((static_cast<uint64_t>(minimum) << 26) / root);
  return x > maximum ? maximum : x;
}

}  // namespace vbp::generate
