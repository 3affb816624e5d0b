// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ipvs-udp/service.h"

#include <gtest/gtest.h>

using ipvsudp::ServiceKey;

TEST(ServiceKey, ParsesUdpIpv4WithAndWithoutPrefix) {
    auto a = ServiceKey::parse("10.0.0.1:5060");
    auto b = ServiceKey::parse("udp:10.0.0.1:5060");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(a->protocol, IPPROTO_UDP);
    EXPECT_EQ(a->port, 5060);
    EXPECT_EQ(a->str(), "udp:10.0.0.1:5060");
}

TEST(ServiceKey, ParsesBracketedIpv6) {
    auto k = ServiceKey::parse("[fd00:100::1]:53");
    ASSERT_TRUE(k);
    EXPECT_EQ(k->address.family, AF_INET6);
    EXPECT_EQ(k->str(), "udp:[fd00:100::1]:53");
}

TEST(ServiceKey, ParsesFwmarkWithFamily) {
    auto k = ServiceKey::parse("fwmark6:7");
    ASSERT_TRUE(k);
    EXPECT_EQ(k->fwmark, 7u);
    EXPECT_EQ(k->address.family, AF_INET6);
    EXPECT_EQ(k->str(), "fwmark6:7");
}

TEST(ServiceKey, RejectsMalformedInput) {
    for (const char* bad :
         {"", "10.0.0.1", "10.0.0.1:0", "10.0.0.1:65536", "fd00::1:53", "[10.0.0.1]:53",
          "[fd00::1]53", "fwmark:0", "fwmark:x", "sctp:10.0.0.1:1", "10.0.0.1:53x"})
        EXPECT_FALSE(ServiceKey::parse(bad)) << bad;
}
