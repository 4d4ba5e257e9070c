#pragma once
// Calendar dates (event time only; no wall clock here). A Date is a day count since
// 1970-01-01 so that comparisons and period arithmetic are integer operations.

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/status.h"

namespace vbp {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days) { return Date(days); }
  // Strict "YYYY-MM-DD" with a real calendar day, years 1900..2199.
  static Result<Date> Parse(std::string_view text);
  static Date FromYmd(int year, unsigned month, unsigned day);
  static Date FirstOfMonth(int year, unsigned month) { return FromYmd(year, month, 1); }
  static Date LastOfMonth(int year, unsigned month);
  static Date FirstOfYear(int year) { return FromYmd(year, 1, 1); }
  static Date LastOfYear(int year) { return FromYmd(year, 12, 31); }

  int32_t days() const { return days_; }
  std::chrono::year_month_day ymd() const;
  int year() const;
  unsigned month() const;
  unsigned day() const;
  // The same day-of-month `n` months later (clamped to the month's last day).
  Date AddMonths(int n) const;
  Date AddDays(int n) const { return Date(days_ + n); }
  std::string ToString() const;

  friend constexpr auto operator<=>(const Date&, const Date&) = default;
  friend constexpr bool operator==(const Date&, const Date&) = default;

 private:
  explicit constexpr Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// A closed period of days [first, last] (SPEC periods are written inclusive: coverage
// "through", provider "termination", the performance year).
struct DateRange {
  Date first;
  Date last;
  bool Contains(Date d) const { return first <= d && d <= last; }
  bool Overlaps(const DateRange& o) const { return first <= o.last && o.first <= last; }
};

}  // namespace vbp
