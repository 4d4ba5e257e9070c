#include "domain/date.h"

#include <cstdio>

namespace vbp {

namespace chr = std::chrono;
using chr::sys_days;
using chr::year_month_day;

Result<Date> Date::Parse(std::string_view t) {
  auto bad = [&](const char* why) {
    return Status::Invalid("bad date '" + std::string(t) + "': " + why + " (want YYYY-MM-DD)");
  };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return bad("wrong shape");
  int v[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (int i = 0; i < lens[f]; ++i) {
      char c = t[static_cast<size_t>(starts[f] + i)];
      if (c < '0' || c > '9') return bad("non-digit");
      v[f] = v[f] * 10 + (c - '0');
    }
  }
  if (v[0] < 1900 || v[0] > 2199) return bad("year out of range 1900-2199");
  year_month_day ymd{chr::year{v[0]}, chr::month{static_cast<unsigned>(v[1])},
                     chr::day{static_cast<unsigned>(v[2])}};
  if (!ymd.ok()) return bad("no such day");
  return Date(static_cast<int32_t>(sys_days(ymd).time_since_epoch().count()));
}

Date Date::FromYmd(int y, unsigned m, unsigned d) {
  year_month_day ymd{chr::year{y}, chr::month{m}, chr::day{d}};
  VBP_CHECK(ymd.ok());
  return Date(static_cast<int32_t>(sys_days(ymd).time_since_epoch().count()));
}

Date Date::LastOfMonth(int y, unsigned m) {
  chr::year_month_day_last last{chr::year{y}, chr::month_day_last{chr::month{m}}};
  return Date(static_cast<int32_t>(sys_days(last).time_since_epoch().count()));
}

year_month_day Date::ymd() const { return year_month_day{sys_days{std::chrono::days{days_}}}; }
int Date::year() const { return static_cast<int>(ymd().year()); }
unsigned Date::month() const { return static_cast<unsigned>(ymd().month()); }
unsigned Date::day() const { return static_cast<unsigned>(ymd().day()); }

Date Date::AddMonths(int n) const {
  year_month_day d = ymd();
  int total = static_cast<int>(d.year()) * 12 + static_cast<int>(static_cast<unsigned>(d.month())) - 1 + n;
  int y = total / 12;
  unsigned m = static_cast<unsigned>(total % 12) + 1;
  Date last = LastOfMonth(y, m);
  unsigned dd = static_cast<unsigned>(d.day());
  if (dd > last.day()) return last;
  return FromYmd(y, m, dd);
}

std::string Date::ToString() const {
  year_month_day d = ymd();
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

}  // namespace vbp
