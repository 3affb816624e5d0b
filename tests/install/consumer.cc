// SPDX-License-Identifier: GPL-2.0
//
// A program outside the project built against the installed libipvs-udp
// (tests/install-test.sh): parses a service, opens IPVS's family and ours.
#include <ipvs-udp/ipvs.h>
#include <ipvs-udp/udp.h>

#include <iostream>

int main() {
    auto key = ipvsudp::ServiceKey::parse("udp:10.0.100.1:5060");
    if (!key) return 1;
    auto c = ipvsudp::ipvs::Client::open();
    if (!c) return 1;
    auto s = c->services();  // IPVS may be missing here: an error, not a crash
    std::cout << key->str() << " " << (s ? "ipvs" : s.error().message()) << " "
              << ipvsudp::udp::state_name(ipvsudp::udp::BindingState::dialog) << "\n";
    return 0;
}
