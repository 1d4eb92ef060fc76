// The oracle reads STAT, LIST and UIDL answers one way, for prop, fuzz and
// load alike: RFC 1939 #5 and #7, text allowed after a size, none after a
// unique-id.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "oracle/listing.hpp"

using namespace pop3::oracle;

TEST(OracleListing, ADropListingIsCountAndOctetsWithAnyTextAfterTheSize) {
  auto d = parse_drop_listing("2 320");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->count, 2u);
  EXPECT_EQ(d->octets, 320u);
  EXPECT_TRUE(parse_drop_listing("2 320 octets in the maildrop"));  // "no requirement on what follows"
  EXPECT_FALSE(parse_drop_listing("2"));
  EXPECT_FALSE(parse_drop_listing("two 320"));
  EXPECT_FALSE(parse_drop_listing("-2 320"));
  EXPECT_FALSE(parse_drop_listing("2 +320"));
  EXPECT_FALSE(parse_drop_listing("2 18446744073709551616"));  // past 64 bits: no number the harness can hold
}

TEST(OracleListing, AScanListingIsNumberAndOctetsWithAnyTextAfterTheSize) {
  auto s = parse_scan_listing("1 120 octets");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->number, 1u);
  EXPECT_EQ(s->octets, 120u);
  EXPECT_FALSE(parse_scan_listing("1"));
  EXPECT_FALSE(parse_scan_listing("1 12x"));
}

TEST(OracleListing, AUniqueIdListingIsNumberAndUniqueIdWithNothingAfter) {
  auto u = parse_unique_id_listing("3 QhdPYR:00WBw1Ph7x7");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->number, 3u);
  EXPECT_EQ(u->uid, "QhdPYR:00WBw1Ph7x7");
  EXPECT_FALSE(parse_unique_id_listing("3 uid more"));  // a unique-id has no spaces (0x21-0x7E)
  EXPECT_FALSE(parse_unique_id_listing("3"));
  EXPECT_FALSE(parse_unique_id_listing("x uid"));
}

TEST(OracleListing, FieldsAreTheWordsOfTheLine) {
  EXPECT_EQ(words("  1 \t 120  "), (std::vector<std::string_view>{"1", "120"}));
  EXPECT_TRUE(words("").empty());
}

RC_GTEST_PROP(OracleListing, EveryListingTheServerWritesReadsBack, (std::uint64_t number, std::uint64_t octets)) {
  auto s = parse_scan_listing(std::to_string(number) + " " + std::to_string(octets));
  RC_ASSERT(s.has_value());
  RC_ASSERT(s->number == number);
  RC_ASSERT(s->octets == octets);
  auto u = parse_unique_id_listing(std::to_string(number) + " u" + std::to_string(octets));
  RC_ASSERT(u.has_value());
  RC_ASSERT(u->uid == "u" + std::to_string(octets));
}
