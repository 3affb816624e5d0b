// SPDX-License-Identifier: GPL-2.0
//
// A small, bounded reader of packet captures for `ipvs-udp sip decode`:
// classic libpcap files (both byte orders, microsecond and nanosecond
// stamps) and pcapng (sections of either byte order, enhanced, simple and
// obsolete packet blocks), and a decoder of their frames down to the UDP
// payload (Ethernet with VLAN tags, Linux cooked SLL and SLL2, raw IP, BSD
// loopback; IPv4 with options, IPv6 with extension headers).
//
// Hostile files get an error or a per-frame note, never a read past the
// data: every length is checked against what is there, records above
// kMaxRecord end the capture with an error, header chains are capped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <span>
#include <string>
#include <vector>

#include "ipvs-udp/service.h"

namespace ipvsudp::cli::pcap {

// Largest packet record accepted (libpcap's own cap for most link types).
inline constexpr std::uint32_t kMaxRecord = 262144;
// Largest pcapng block accepted (a packet record plus its options).
inline constexpr std::uint32_t kMaxBlock = kMaxRecord + 65536;

enum class Format { datagram, pcap, pcapng };

// What a file is by its first bytes: pcap (one of the four magics), pcapng
// (a section header block with a valid byte-order magic, so at least 12
// bytes), else a datagram.
Format detect(std::span<const unsigned char> head);

// Link types (LINKTYPE_* of the tcpdump.org list) the decoder knows.
inline constexpr std::uint32_t kLinkNull = 0;
inline constexpr std::uint32_t kLinkEthernet = 1;
inline constexpr std::uint32_t kLinkRaw = 101;
inline constexpr std::uint32_t kLinkLinuxSll = 113;
inline constexpr std::uint32_t kLinkIpv4 = 228;
inline constexpr std::uint32_t kLinkIpv6 = 229;
inline constexpr std::uint32_t kLinkLinuxSll2 = 276;

struct Frame {
    std::uint64_t number = 0;         // 1-based, in file order (as Wireshark counts)
    std::uint32_t linktype = 0;       // of its interface
    std::uint32_t orig_len = 0;       // length on the wire (>= data.size() unless bogus)
    std::vector<unsigned char> data;  // the captured bytes
};

// Reads records one by one from a stream; `head` are bytes already read
// from its start (to detect the format), which are read again first.
class Reader {
  public:
    Reader(std::istream& in, std::vector<unsigned char> head);
    // The next packet; false at the end of the capture or on an error
    // (error() is then set). Non-packet pcapng blocks are skipped.
    bool next(Frame& f);
    // Why reading stopped early ("" after a clean end).
    const std::string& error() const { return error_; }
    Format format() const { return format_; }

  private:
    std::size_t read(unsigned char* p, std::size_t n);
    bool read_exact(unsigned char* p, std::size_t n, const char* what);
    bool pcap_header();
    bool pcap_next(Frame& f);
    bool pcapng_next(Frame& f);
    std::uint16_t u16(const unsigned char* p) const;
    std::uint32_t u32(const unsigned char* p) const;

    std::istream& in_;
    std::vector<unsigned char> head_;
    std::size_t head_off_ = 0;
    std::uint64_t offset_ = 0;  // bytes consumed, for error messages
    Format format_;
    bool big_ = false;  // the file's (or section's) byte order is big-endian
    bool started_ = false;
    std::uint32_t linktype_ = 0, snaplen_ = 0;
    std::vector<std::uint32_t> ifaces_;  // pcapng: link type per interface
    std::uint64_t frames_ = 0;
    std::string error_;
};

struct Datagram {
    enum class Status {
        udp,          // a UDP datagram: addresses, ports and payload set
        not_ip,       // not IPv4/IPv6 (ARP, ...)
        not_udp,      // IP but another protocol (or no UDP header to reach)
        fragment,     // a non-first fragment: no UDP header in it
        malformed,    // bad or truncated headers
        unknown_link  // a link type the decoder does not know
    };
    Status status = Status::malformed;
    std::string note;  // what is wrong or special, for people
    Address src, dst;
    std::uint16_t sport = 0, dport = 0;
    // The UDP payload bytes in the frame (after the UDP header, at most as
    // many as the UDP length says).
    std::span<const unsigned char> payload;
    bool first_fragment = false;  // more fragments follow: payload is partial
    bool cut = false;             // the capture holds less than the datagram
};

// One frame of link type `linktype` down to its UDP datagram. `payload`
// points into `frame`.
Datagram decode(std::uint32_t linktype, std::span<const unsigned char> frame);

}  // namespace ipvsudp::cli::pcap
