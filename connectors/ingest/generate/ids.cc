#include "connectors/ingest/generate/ids.h"

#include <array>

#include "domain/check.h"

namespace vbp::generate {
namespace {

// x -> (x × multiplier + offset) mod modulus is a bijection when gcd(multiplier, modulus) = 1;
// every modulus here is 2^a·3^b·5^c, and 7919 is prime.
constexpr uint64_t kMultiplier = 7919;

uint64_t Permute(uint64_t index, uint64_t salt, uint64_t modulus) {
  VBP_CHECK(index < modulus);
  return (index % modulus * kMultiplier % modulus + salt % modulus) % modulus;
}

void PutDigits(std::string& out, uint64_t value, int width) {
  std::string d(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i) {
    d[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out += d;
}

}  // namespace

char NpiCheckDigit(std::string_view first9) {
  VBP_CHECK(first9.size() == 9);
  // Luhn: from the rightmost payload digit, double every other digit. The "80840" prefix
  // contributes the constant 24 (CMS): 8, 0·2=0, 8, 4·2=8, 0 -> 8+0+8+8+0 = 24.
  int sum = 24;
  for (int i = 8; i >= 0; --i) {
    int d = first9[static_cast<size_t>(i)] - '0';
    if ((8 - i) % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool IsValidNpi(std::string_view npi) {
  if (npi.size() != 10) return false;
  for (char c : npi) {
    if (c < '0' || c > '9') return false;
  }
  return NpiCheckDigit(npi.substr(0, 9)) == npi[9];
}

std::string MakeNpi(char leading, uint64_t index, uint64_t salt) {
  VBP_CHECK(leading == '1' || leading == '2');
  std::string s(1, leading);
  PutDigits(s, Permute(index, salt, 100'000'000), 8);
  s += NpiCheckDigit(s);
  return s;
}

std::string MakeMbi(uint64_t index, uint64_t salt) {
  // Layout (CMS MBI): C A AN N A AN N A A N N, where C is 1-9, A a letter without S L O I B
  // Z, AN a digit or such a letter, N a digit.
  static constexpr std::string_view kAlpha = "ACDEFGHJKMNPQRTUVWXY";
  static constexpr std::string_view kAlnum = "0123456789ACDEFGHJKMNPQRTUVWXY";
  static constexpr std::string_view kDigit = "0123456789";
  static constexpr std::string_view kFirst = "123456789";
  static constexpr std::array<std::string_view, 11> kLayout = {
      kFirst, kAlpha, kAlnum, kDigit, kAlpha, kAlnum, kDigit, kAlpha, kAlpha, kDigit, kDigit};
  uint64_t capacity = 1;
  for (auto a : kLayout) capacity *= a.size();  // 1.296e13
  uint64_t x = Permute(index, salt, capacity);
  std::string out(11, ' ');
  for (int i = 10; i >= 0; --i) {
    const auto& a = kLayout[static_cast<size_t>(i)];
    out[static_cast<size_t>(i)] = a[x % a.size()];
    x /= a.size();
  }
  return out;
}

std::string MakeTin(uint64_t index, uint64_t salt) {
  // Valid EIN prefixes (IRS campus codes), a few of them.
  static constexpr std::array<int, 12> kPrefixes = {20, 26, 27, 33, 45, 46, 47, 61, 81, 82, 84, 87};
  uint64_t body = Permute(index, salt, 10'000'000);
  std::string s;
  PutDigits(s, static_cast<uint64_t>(kPrefixes[(body / 7) % kPrefixes.size()]), 2);
  PutDigits(s, body, 7);
  return s;
}

std::string MakeClaimId(uint64_t index, uint64_t salt) {
  std::string s;
  PutDigits(s, Permute(index, salt, 1'000'000'000'000ULL), 12);
  return s;
}

}  // namespace vbp::generate
