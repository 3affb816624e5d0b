// SPDX-License-Identifier: GPL-2.0
//
// libFuzzer target of the capture reader the CLI's sip-callid and
// radius-key commands run on files they are handed (cli/pcap.cc): pcap and
// pcapng framing, then every frame decoded down to its UDP payload.
// Invariants, besides no crash, leak or undefined behaviour (ASan, UBSan):
//  - frames are numbered 1, 2, ... in order and hold at most kMaxRecord bytes;
//  - a decoded payload lies within its frame;
//  - a UDP datagram has addresses of one family;
//  - reading stops, with an error or at the end, within the input's length
//    in frames (a bounded loop on any input).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "pcap.h"

extern "C" {
#include "fuzz_check.h"
}

using namespace ipvsudp::cli;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    std::istringstream in(bytes);
    std::vector<unsigned char> head(12);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (pcap::detect(head) == pcap::Format::datagram) return 0;
    pcap::Reader r(in, std::move(head));
    pcap::Frame f;
    std::uint64_t n = 0;
    while (r.next(f)) {
        CHECK(f.number == ++n);
        CHECK(f.data.size() <= pcap::kMaxRecord);
        // Every frame is at least a 16-byte record header plus its bytes.
        CHECK(n * 16 <= size);
        const auto d = pcap::decode(f.linktype, f.data);
        if (d.status != pcap::Datagram::Status::udp) continue;
        const unsigned char* lo = f.data.data();
        const unsigned char* hi = lo + f.data.size();
        CHECK(d.payload.empty() ||
              (d.payload.data() >= lo && d.payload.data() <= hi &&
               d.payload.size() <= static_cast<std::size_t>(hi - d.payload.data())));
        CHECK(d.src.family == d.dst.family);
    }
    return 0;
}
