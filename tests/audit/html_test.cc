// The HTML reports' number text and escaping (engine/report/html.h), each value by hand.
#include "engine/report/html.h"

#include <gtest/gtest.h>

namespace vbp::html {
namespace {

TEST(HtmlTest, ThousandsSeparatorsKeepTheSignAndThePlaces) {
  EXPECT_EQ(GroupThousands("1234567.89"), "1,234,567.89");
  EXPECT_EQ(GroupThousands("-1234567.891"), "-1,234,567.891");
  EXPECT_EQ(GroupThousands("100000"), "100,000");
  EXPECT_EQ(GroupThousands("1000"), "1,000");
  EXPECT_EQ(GroupThousands("999"), "999");
  EXPECT_EQ(GroupThousands("-100.00"), "-100.00");
  EXPECT_EQ(GroupThousands("0.5"), "0.5");
  // Not a plain decimal: unchanged.
  EXPECT_EQ(GroupThousands("n/a"), "n/a");
  EXPECT_EQ(GroupThousands(""), "");
}

TEST(HtmlTest, MoneyIsRoundedHalfToEvenToTheCentThenGrouped) {
  EXPECT_EQ(MoneyText("-1234567.885"), "-1,234,567.88");  // 8 is even: down
  EXPECT_EQ(MoneyText("1234567.895"), "1,234,567.90");    // 9 is odd: up
  EXPECT_EQ(MoneyText("7122.190000"), "7,122.19");
  EXPECT_EQ(MoneyText("57443.71"), "57,443.71");
  EXPECT_EQ(MoneyText("-0.004"), "0.00");  // no negative zero
  EXPECT_EQ(MoneyText("12"), "12.00");
}

TEST(HtmlTest, RatesArePercentagesAndTheirChangesPercentagePoints) {
  EXPECT_EQ(PercentText("0.0853001288", 2), "8.53%");
  EXPECT_EQ(PercentText("-0.1085248010", 2), "-10.85%");
  EXPECT_EQ(PercentText("0.125", 0), "12%");  // 12.5 half to even
  EXPECT_EQ(PercentText("0.0390000000", 2), "3.90%");
  EXPECT_EQ(PointsText("-0.0621333134", 2), "-6.21 pp");
  EXPECT_EQ(PointsText("0.024", 2), "+2.40 pp");
  EXPECT_EQ(PointsText("0.0000000000", 2), "0.00 pp");
}

TEST(HtmlTest, ChangePercentIsExactAgainstTheAbsoluteBase) {
  // -45461.02 / 61312.12 = -0.74146873...
  EXPECT_EQ(ChangePercentText("61312.12", "-45461.02", 1), "-74.1%");
  // A negative base (a loss) grows: -6245.36 / |-3827.59| = -1.6316690...
  EXPECT_EQ(ChangePercentText("-3827.59", "-6245.36", 1), "-163.2%");
  EXPECT_EQ(ChangePercentText("15.00", "22.50", 1), "+150.0%");
  EXPECT_EQ(ChangePercentText("0.00", "5.00", 1), "");
  EXPECT_EQ(ChangePercentText("", "5.00", 1), "");
}

TEST(HtmlTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(Escape("<a href=\"x\">O'Brien & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;");
  EXPECT_EQ(NumberCell("-5.00", "-5.00"), "<td class=\"n neg\" data-v=\"-5.00\">-5.00</td>");
  EXPECT_EQ(NumberCell("1234", "1,234"), "<td class=\"n\" data-v=\"1234\">1,234</td>");
  EXPECT_EQ(CodeWords("savings_below_msr"), "savings below msr");
}

TEST(HtmlTest, ThePageIsSelfContainedAndPrintable) {
  const std::string page = PageStart("A & B") + PageEnd();
  EXPECT_NE(page.find("<title>A &amp; B</title>"), std::string::npos);
  EXPECT_NE(page.find("@media print"), std::string::npos);
  EXPECT_NE(page.find("<script>"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("http"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
}

}  // namespace
}  // namespace vbp::html
