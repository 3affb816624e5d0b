// SPDX-License-Identifier: GPL-2.0
//
// Packet captures for `ipvs-udp sip-callid` (pcap.h).
#include "pcap.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace ipvsudp::cli::pcap {

namespace {

constexpr std::uint32_t kShb = 0x0A0D0D0A;  // pcapng section header block
constexpr std::uint32_t kIdb = 1;           // interface description
constexpr std::uint32_t kOpb = 2;           // obsolete packet block
constexpr std::uint32_t kSpb = 3;           // simple packet block
constexpr std::uint32_t kEpb = 6;           // enhanced packet block
constexpr std::uint32_t kBom = 0x1A2B3C4D;  // pcapng byte-order magic
constexpr std::size_t kMaxIfaces = 4096;    // interfaces per section
constexpr int kMaxVlanTags = 4;
constexpr int kMaxIpv6Headers = 16;  // extension headers before giving up

std::uint16_t be16(const unsigned char* p) {
    return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

std::uint32_t get32(const unsigned char* p, bool big) {
    if (big)
        return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
               p[3];
    return std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0];
}

bool is_pcap_magic(const unsigned char* p) {
    static const unsigned char magics[4][4] = {{0xd4, 0xc3, 0xb2, 0xa1},
                                               {0xa1, 0xb2, 0xc3, 0xd4},
                                               {0x4d, 0x3c, 0xb2, 0xa1},
                                               {0xa1, 0xb2, 0x3c, 0x4d}};
    for (const auto& m : magics)
        if (!std::memcmp(p, m, 4)) return true;
    return false;
}

Address make_addr(int family, const unsigned char* p) {
    Address a;
    a.family = family;
    std::memcpy(&a.addr, p, family == AF_INET ? 4 : 16);
    return a;
}

// The UDP header at `p` (the IP payload, `n` bytes captured of `declared`).
Datagram udp(Datagram d, std::span<const unsigned char> ip_payload, std::size_t declared) {
    const auto n = ip_payload.size();
    if (n < 8) {
        d.status = Datagram::Status::malformed;
        d.note = declared >= 8 ? "UDP header cut by the capture's snap length"
                               : "IP payload shorter than a UDP header";
        return d;
    }
    const unsigned char* p = ip_payload.data();
    d.sport = be16(p);
    d.dport = be16(p + 2);
    const std::uint16_t ulen = be16(p + 4);
    // The scheduler parses the IP payload after the UDP header, as far as
    // the IP length goes: the UDP length field is not looked at.
    d.payload = ip_payload.subspan(8);
    d.cut = n < declared;
    if (ulen != declared && !(ulen == 0 && declared > 0xffff))
        d.note = "UDP length " + std::to_string(ulen) + " but " + std::to_string(declared) +
                 " bytes of IP payload";
    d.status = Datagram::Status::udp;
    return d;
}

Datagram ipv4(std::span<const unsigned char> pkt) {
    Datagram d;
    if (pkt.size() < 20 || (pkt[0] >> 4) != 4) {
        d.note = pkt.size() < 20 ? "IPv4 header cut" : "IP version is not 4";
        return d;
    }
    const std::size_t hl = (pkt[0] & 0x0fu) * 4u;
    const std::size_t total = be16(pkt.data() + 2);
    if (hl < 20 || total < hl) {
        d.note = "bad IPv4 header or total length";
        return d;
    }
    if (pkt.size() < hl) {
        d.note = "IPv4 options cut";
        return d;
    }
    d.src = make_addr(AF_INET, pkt.data() + 12);
    d.dst = make_addr(AF_INET, pkt.data() + 16);
    const std::uint16_t frag = be16(pkt.data() + 6);
    const std::size_t offset = (frag & 0x1fffu) * 8u;
    if (offset) {
        d.status = Datagram::Status::fragment;
        d.note = "IPv4 fragment at offset " + std::to_string(offset) + " (not reassembled)";
        return d;
    }
    d.first_fragment = frag & 0x2000u;
    if (pkt[9] != IPPROTO_UDP) {
        d.status = Datagram::Status::not_udp;
        d.note = "IP protocol " + std::to_string(pkt[9]);
        return d;
    }
    // Ethernet pads short frames: the IP total length ends the datagram.
    const auto have = std::min(pkt.size(), total);
    return udp(std::move(d), pkt.subspan(hl, have - hl), total - hl);
}

Datagram ipv6(std::span<const unsigned char> pkt) {
    Datagram d;
    if (pkt.size() < 40 || (pkt[0] >> 4) != 6) {
        d.note = pkt.size() < 40 ? "IPv6 header cut" : "IP version is not 6";
        return d;
    }
    d.src = make_addr(AF_INET6, pkt.data() + 8);
    d.dst = make_addr(AF_INET6, pkt.data() + 24);
    std::size_t declared = be16(pkt.data() + 4);
    if (!declared) declared = pkt.size() - 40;  // a jumbogram: as captured
    const auto have = std::min(pkt.size() - 40, declared);
    std::size_t off = 0;  // into the payload
    unsigned nh = pkt[6];
    auto rest = pkt.subspan(40, have);
    for (int i = 0;; i++) {
        if (nh == IPPROTO_UDP) return udp(std::move(d), rest.subspan(off), declared - off);
        if (i == kMaxIpv6Headers) {
            d.status = Datagram::Status::not_udp;
            d.note = "more than " + std::to_string(kMaxIpv6Headers) + " IPv6 extension headers";
            return d;
        }
        std::size_t len;
        switch (nh) {
            case 0:    // hop-by-hop options
            case 43:   // routing
            case 60:   // destination options
            case 135:  // mobility
            case 139:  // HIP
            case 140:  // shim6
                if (off + 2 > rest.size()) goto cut;
                len = (rest[off + 1] + 1u) * 8u;
                break;
            case 51:  // authentication header
                if (off + 2 > rest.size()) goto cut;
                len = (rest[off + 1] + 2u) * 4u;
                break;
            case 44: {  // fragment
                if (off + 8 > rest.size()) goto cut;
                const std::uint16_t fo = be16(rest.data() + off + 2);
                if (fo & 0xfff8u) {
                    d.status = Datagram::Status::fragment;
                    d.note = "IPv6 fragment at offset " + std::to_string(fo & 0xfff8u) +
                             " (not reassembled)";
                    return d;
                }
                d.first_fragment = fo & 1u;
                len = 8;
                break;
            }
            default:
                d.status = Datagram::Status::not_udp;
                d.note = "IPv6 next header " + std::to_string(nh);
                return d;
        }
        if (off + len > declared) {
            d.note = "IPv6 extension header beyond the payload length";
            return d;
        }
        if (off + len > rest.size()) goto cut;
        nh = rest[off];
        off += len;
    }
cut:
    d.note = "IPv6 extension headers cut by the capture's snap length";
    return d;
}

Datagram ip(std::span<const unsigned char> pkt) {
    if (pkt.empty()) {
        Datagram d;
        d.note = "no IP header";
        return d;
    }
    if ((pkt[0] >> 4) == 4) return ipv4(pkt);
    if ((pkt[0] >> 4) == 6) return ipv6(pkt);
    Datagram d;
    d.status = Datagram::Status::not_ip;
    d.note = "IP version " + std::to_string(pkt[0] >> 4);
    return d;
}

Datagram by_ethertype(std::uint16_t type, std::span<const unsigned char> pkt) {
    if (type == 0x0800) return ipv4(pkt);
    if (type == 0x86dd) return ipv6(pkt);
    Datagram d;
    d.status = Datagram::Status::not_ip;
    d.note = "ethertype " + std::to_string(type);
    return d;
}

Datagram short_link(const char* what) {
    Datagram d;
    d.note = std::string(what) + " header cut";
    return d;
}

}  // namespace

Format detect(std::span<const unsigned char> head) {
    if (head.size() >= 4 && is_pcap_magic(head.data())) return Format::pcap;
    if (head.size() >= 12 && get32(head.data(), true) == kShb &&
        (get32(head.data() + 8, true) == kBom || get32(head.data() + 8, false) == kBom))
        return Format::pcapng;
    return Format::datagram;
}

Datagram decode(std::uint32_t linktype, std::span<const unsigned char> f) {
    switch (linktype) {
        case kLinkEthernet: {
            if (f.size() < 14) return short_link("Ethernet");
            std::size_t off = 12;
            std::uint16_t type = be16(f.data() + off);
            for (int i = 0;
                 i < kMaxVlanTags && (type == 0x8100 || type == 0x88a8 || type == 0x9100); i++) {
                off += 4;
                if (f.size() < off + 2) return short_link("VLAN");
                type = be16(f.data() + off);
            }
            return by_ethertype(type, f.subspan(off + 2));
        }
        case kLinkLinuxSll:
            if (f.size() < 16) return short_link("Linux cooked (SLL)");
            return by_ethertype(be16(f.data() + 14), f.subspan(16));
        case kLinkLinuxSll2:
            if (f.size() < 20) return short_link("Linux cooked (SLL2)");
            return by_ethertype(be16(f.data()), f.subspan(20));
        case kLinkNull: {
            if (f.size() < 4) return short_link("loopback");
            // The address family in the capturing host's byte order.
            const std::uint32_t af = f[0] ? get32(f.data(), false) : get32(f.data(), true);
            if (af == 2) return ipv4(f.subspan(4));
            if (af == 10 || af == 24 || af == 28 || af == 30) return ipv6(f.subspan(4));
            Datagram d;
            d.status = Datagram::Status::not_ip;
            d.note = "loopback family " + std::to_string(af);
            return d;
        }
        case kLinkRaw:
        case 12:  // DLT_RAW on some systems
        case 14:
            return ip(f);
        case kLinkIpv4:
            return ipv4(f);
        case kLinkIpv6:
            return ipv6(f);
        default: {
            Datagram d;
            d.status = Datagram::Status::unknown_link;
            d.note = "link type " + std::to_string(linktype) + " not supported";
            return d;
        }
    }
}

Reader::Reader(std::istream& in, std::vector<unsigned char> head)
    : in_{in}, head_{std::move(head)}, format_{detect(head_)} {}

std::size_t Reader::read(unsigned char* p, std::size_t n) {
    std::size_t got = 0;
    while (got < n && head_off_ < head_.size()) p[got++] = head_[head_off_++];
    if (got < n && in_) {
        in_.read(reinterpret_cast<char*>(p + got), static_cast<std::streamsize>(n - got));
        got += static_cast<std::size_t>(in_.gcount());
    }
    offset_ += got;
    return got;
}

bool Reader::read_exact(unsigned char* p, std::size_t n, const char* what) {
    const auto at = offset_;
    const auto got = read(p, n);
    if (got == n) return true;
    error_ = std::string("truncated ") + what + " at byte " + std::to_string(at) + " (" +
             std::to_string(got) + " of " + std::to_string(n) + " bytes)";
    return false;
}

std::uint16_t Reader::u16(const unsigned char* p) const {
    return big_ ? be16(p) : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
}

std::uint32_t Reader::u32(const unsigned char* p) const {
    return get32(p, big_);
}

bool Reader::next(Frame& f) {
    if (!error_.empty()) return false;
    switch (format_) {
        case Format::pcap:
            if (!started_ && !pcap_header()) return false;
            started_ = true;
            return pcap_next(f);
        case Format::pcapng:
            return pcapng_next(f);
        case Format::datagram:
            break;
    }
    error_ = "not a packet capture";
    return false;
}

bool Reader::pcap_header() {
    unsigned char h[24];
    if (!read_exact(h, sizeof(h), "pcap file header")) return false;
    big_ = h[0] == 0xa1;
    if (u16(h + 4) != 2) {
        error_ = "pcap version " + std::to_string(u16(h + 4)) + "." + std::to_string(u16(h + 6)) +
                 " not supported";
        return false;
    }
    snaplen_ = u32(h + 16);
    linktype_ = u32(h + 20) & 0xffffu;  // the upper bits carry FCS information
    return true;
}

bool Reader::pcap_next(Frame& f) {
    unsigned char h[16];
    const auto at = offset_;
    const auto got = read(h, sizeof(h));
    if (got == 0) return false;  // the end
    if (got != sizeof(h)) {
        error_ = "truncated record header at byte " + std::to_string(at) + " (frame " +
                 std::to_string(frames_ + 1) + ")";
        return false;
    }
    const std::uint32_t caplen = u32(h + 8);
    if (caplen > kMaxRecord) {
        error_ = "record of " + std::to_string(caplen) + " bytes at byte " + std::to_string(at) +
                 " (frame " + std::to_string(frames_ + 1) + "): corrupt file";
        return false;
    }
    f.data.resize(caplen);
    if (!read_exact(f.data.data(), caplen, "packet record")) return false;
    f.number = ++frames_;
    f.linktype = linktype_;
    f.orig_len = u32(h + 12);
    return true;
}

bool Reader::pcapng_next(Frame& f) {
    std::vector<unsigned char> body;
    for (;;) {
        unsigned char h[8];
        const auto at = offset_;
        const auto got = read(h, sizeof(h));
        if (got == 0 && started_) return false;  // the end
        if (got != sizeof(h)) {
            error_ = "truncated block header at byte " + std::to_string(at);
            return false;
        }
        const bool shb = get32(h, true) == kShb;
        if (!started_ && !shb) {
            error_ = "pcapng file does not start with a section header";
            return false;
        }
        if (shb) {
            // The section's byte order comes from its byte-order magic.
            unsigned char bom[4];
            if (!read_exact(bom, 4, "section header")) return false;
            if (get32(bom, true) == kBom)
                big_ = true;
            else if (get32(bom, false) == kBom)
                big_ = false;
            else {
                error_ = "bad byte-order magic in the section header at byte " + std::to_string(at);
                return false;
            }
            ifaces_.clear();
            started_ = true;
        }
        const std::uint32_t type = u32(h), len = u32(h + 4);
        const std::uint32_t min = shb ? 28 : 12;
        if (len < min || len % 4 || len > kMaxBlock) {
            error_ = "block of type " + std::to_string(type) + " with bad length " +
                     std::to_string(len) + " at byte " + std::to_string(at);
            return false;
        }
        // The body after what was read, and the trailing length.
        const std::size_t pre = shb ? 12 : 8;
        body.resize(len - pre);
        if (!read_exact(body.data(), body.size(), "block")) return false;
        if (u32(body.data() + body.size() - 4) != len) {
            error_ = "block at byte " + std::to_string(at) + ": trailing length differs";
            return false;
        }
        const std::size_t blen = body.size() - 4;  // without the trailing length
        const unsigned char* b = body.data();
        std::uint32_t iface = 0, caplen = 0, orig = 0;
        std::size_t data_off = 0;
        switch (type) {
            case kIdb:
                if (blen < 8) {
                    error_ = "interface block too short at byte " + std::to_string(at);
                    return false;
                }
                if (ifaces_.size() >= kMaxIfaces) {
                    error_ = "more than " + std::to_string(kMaxIfaces) + " interfaces";
                    return false;
                }
                ifaces_.push_back(u16(b));
                continue;
            case kEpb:
            case kOpb:
                if (blen < 20) {
                    error_ = "packet block too short at byte " + std::to_string(at);
                    return false;
                }
                iface = type == kEpb ? u32(b) : u16(b);
                caplen = u32(b + 12);
                orig = u32(b + 16);
                data_off = 20;
                if (caplen > blen - data_off) {
                    error_ = "packet block at byte " + std::to_string(at) + " claims " +
                             std::to_string(caplen) + " bytes, holds " +
                             std::to_string(blen - data_off);
                    return false;
                }
                break;
            case kSpb:
                if (blen < 4) {
                    error_ = "simple packet block too short at byte " + std::to_string(at);
                    return false;
                }
                orig = u32(b);
                data_off = 4;
                caplen = static_cast<std::uint32_t>(std::min<std::size_t>(orig, blen - 4));
                break;
            default:
                continue;  // section header, statistics, name resolution, ...
        }
        if (iface >= ifaces_.size()) {
            error_ = "packet block at byte " + std::to_string(at) + " names interface " +
                     std::to_string(iface) + " not described";
            return false;
        }
        f.number = ++frames_;
        f.linktype = ifaces_[iface];
        f.orig_len = orig;
        f.data.assign(b + data_off, b + data_off + caplen);
        return true;
    }
}

}  // namespace ipvsudp::cli::pcap
