// SPDX-License-Identifier: GPL-2.0
//
// sip decode and radius decode: what the schedulers make of one datagram or
// of every UDP datagram of a packet capture, with the kernel's own parsers.
#include <fstream>
#include <iostream>
#include <iterator>

#include "internal.h"
#include "pcap.h"

extern "C" {
#include "ip_vs_radius_parse.h"
#include "ip_vs_sip_parse.h"
}

#include <arpa/inet.h>

namespace ipvsudp::cli {

namespace {

std::string endpoint(const Address& a, std::uint16_t port) {
    return a.with_port(port);
}

// What a key command makes of one UDP datagram of a capture.
struct KeyResult {
    bool found = false;        // the datagram has a key
    bool cut_matters = false;  // a capture cut short may have hidden it
};

// A key command over a packet capture: one line (or JSON object) per UDP
// datagram, with the key the scheduler would use for it. `key` writes the
// datagram's own fields (JSON) or the rest of its line (text).
using KeyFn = std::function<KeyResult(const pcap::Datagram&, Json*, std::ostream&)>;

int keys_capture(const Args& a, Env& env, std::istream& in, std::vector<unsigned char> head,
                 const std::string& name, const std::string& with_key, const KeyFn& key) {
    using pcap::Datagram;
    pcap::Reader r{in, std::move(head)};
    pcap::Frame f;
    std::uint64_t frames = 0, udp = 0, keys = 0, unparsed = 0;
    std::map<std::string, std::uint64_t> skipped;
    Json j;
    j.begin_object().key("datagrams").begin_array();
    while (r.next(f)) {
        frames++;
        const Datagram d = pcap::decode(f.linktype, f.data);
        if (d.status == Datagram::Status::not_ip || d.status == Datagram::Status::not_udp ||
            d.status == Datagram::Status::unknown_link) {
            skipped[d.status == Datagram::Status::not_ip    ? "not_ip"
                    : d.status == Datagram::Status::not_udp ? "not_udp"
                                                            : "unknown_link"]++;
            continue;
        }
        const std::string num = std::to_string(f.number);
        if (d.status != Datagram::Status::udp) {
            // A fragment or a frame whose headers are broken: no datagram
            // the scheduler would see as such.
            unparsed++;
            const std::string what =
                d.status == Datagram::Status::fragment ? "fragment" : "malformed";
            if (a.json) {
                j.begin_object().field("frame", f.number).field("status", what);
                if (d.status == Datagram::Status::fragment)
                    j.field("src", d.src.str()).field("dst", d.dst.str());
                j.field("note", d.note).end_object();
            } else {
                env.out << num << " ";
                if (d.status == Datagram::Status::fragment)
                    env.out << d.src.str() << " -> " << d.dst.str() << " ";
                env.out << "not parseable: " << d.note << "\n";
            }
            continue;
        }
        udp++;
        if (a.json)
            j.begin_object()
                .field("frame", f.number)
                .field("status", "udp")
                .field("src", d.src.str())
                .field("sport", unsigned{d.sport})
                .field("dst", d.dst.str())
                .field("dport", unsigned{d.dport});
        else
            env.out << num << " " << endpoint(d.src, d.sport) << " -> " << endpoint(d.dst, d.dport)
                    << " ";
        // The kernel parses the whole payload.
        const KeyResult k = key(d, a.json ? &j : nullptr, env.out);
        if (k.found) keys++;
        // What the capture lacks of the bytes the kernel would parse.
        std::string caveat;
        if (d.first_fragment)
            caveat = "first fragment only: the kernel parses the reassembled datagram";
        else if (d.cut && k.cut_matters)
            caveat = "cut by the capture's snap length: " + std::to_string(d.payload.size()) +
                     " bytes of payload captured";
        if (a.json) {
            j.field("caveat", caveat).field("note", d.note).end_object();
            continue;
        }
        if (!caveat.empty()) env.out << " [" << caveat << "]";
        env.out << "\n";
    }
    std::uint64_t nskipped = 0;
    for (const auto& [k, v] : skipped) nskipped += v;
    if (a.json) {
        j.end_array()
            .field("frames", frames)
            .field("udp", udp)
            .field("keys", keys)
            .field("unparseable", unparsed)
            .counts("skipped", skipped)
            .field("error", r.error())
            .end_object();
        env.out << j.str() << "\n";
    }
    env.err << "ipvs-udp: " << name << ": " << frames << " frames, " << udp << " UDP datagrams, "
            << keys << " " << with_key << ", " << unparsed << " not parseable, " << nskipped
            << " skipped (not UDP)\n";
    if (!r.error().empty()) {
        env.err << "ipvs-udp: " << name << ": " << r.error() << "\n";
        return kUsage;
    }
    return keys ? kOk : kNegative;
}

// sip-callid over a packet capture.
int sip_callid_capture(const Args& a, Env& env, std::istream& in, std::vector<unsigned char> head,
                       const std::string& name) {
    const bool addr_only = a.flags.count("--addr-only") > 0;
    return keys_capture(
        a, env, in, std::move(head), name, "with a Call-ID",
        [addr_only](const pcap::Datagram& d, Json* j, std::ostream& out) {
            ip_vs_sip_msg msg{};
            const bool found = ip_vs_sip_parse(d.payload.data(), d.payload.size(), &msg) == 0;
            const std::string_view id =
                found ? std::string_view(reinterpret_cast<const char*>(msg.callid), msg.callid_len)
                      : "";
            const bool oversized = found && (msg.flags & IP_VS_SIP_F_OVERSIZED);
            // The no-key fallback: the client (the datagram's source)
            // address and port, or the address only with the
            // sip-addr-only flag.
            const std::string client = addr_only ? d.src.str() : endpoint(d.src, d.sport);
            if (j) {
                j->field("found", found).field("call_id", id).field("oversized", oversized);
                j->key("fallback");
                if (found)
                    j->null();
                else
                    j->value(client);
            } else if (found) {
                out << "call-id " << printable(id)
                    << (oversized ? " (oversized: placed by hash, never bound)" : "");
            } else {
                out << "none (fallback: client " << client << ")";
            }
            return KeyResult{found, !found || (msg.flags & IP_VS_SIP_F_TRUNCATED)};
        });
}

std::string_view bytes(const ip_vs_radius_val& v) {
    return {reinterpret_cast<const char*>(v.p), v.len};
}

// What the radius scheduler makes of one datagram (kernel/ip_vs_radius_*).
struct RadiusView {
    int status = 0;
    ip_vs_radius_msg msg{};
    ip_vs_radius_key key{};
    bool challenge = false;  // an Access-Challenge: the director learns its State
    bool found = false;      // a key, a State to look up, or one to learn
    std::string nas_type, nas;
};

RadiusView radius_view(std::span<const unsigned char> payload) {
    RadiusView v;
    v.status = ip_vs_radius_parse(payload.data(), payload.size(), &v.msg);
    const bool parsed = v.status == IP_VS_RADIUS_OK || v.status == IP_VS_RADIUS_E_DUPSTATE;
    if (!parsed) return v;
    ip_vs_radius_key_of(&v.msg, &v.key);
    v.challenge = v.msg.code == IP_VS_RADIUS_ACCESS_CHALLENGE;
    const bool request = v.msg.code == IP_VS_RADIUS_ACCESS_REQUEST;
    v.found = v.key.kind != IP_VS_RADIUS_K_ADDR || ((request || v.challenge) && v.msg.state.len);
    // The NAS identity as the key holds it: type, length, value after
    // the kind byte (ip_vs_radius_key_of()).
    if (v.key.len < 2 || !v.key.buf[1]) return v;
    const unsigned char type = v.key.buf[1], n = v.key.buf[2];
    const unsigned char* p = v.key.buf + 3;
    char a[INET6_ADDRSTRLEN];
    if (type == IP_VS_RADIUS_A_NAS_IP && n == 4) {
        v.nas_type = "nas-ip";
        v.nas = inet_ntop(AF_INET, p, a, sizeof(a));
    } else if (type == IP_VS_RADIUS_A_NAS_IPV6 && n == 16) {
        v.nas_type = "nas-ipv6";
        v.nas = inet_ntop(AF_INET6, p, a, sizeof(a));
    } else {
        v.nas_type = "nas-id";
        v.nas = printable({reinterpret_cast<const char*>(p), n});
    }
    return v;
}

// The key's value: the attribute after the NAS identity.
std::string_view radius_value(const RadiusView& v) {
    switch (v.key.kind) {
        case IP_VS_RADIUS_K_CALLING:
            return bytes(v.msg.calling_id);
        case IP_VS_RADIUS_K_USER:
            return bytes(v.msg.user_name);
        case IP_VS_RADIUS_K_ACCT:
            return bytes(v.msg.acct_session);
        default:
            return {};
    }
}

// radius-key's fields of one datagram, as JSON or as the rest of its line;
// `client` is the no-key fallback when known (captures).
void radius_describe(const RadiusView& v, const std::string& client, Json* j, std::ostream& out) {
    const bool parsed = v.status == IP_VS_RADIUS_OK || v.status == IP_VS_RADIUS_E_DUPSTATE;
    const bool oversized = v.key.len > IP_VS_RADIUS_KEY_MAX;
    const std::string state = v.msg.state.len ? hex(v.msg.state.p, v.msg.state.len) : "";
    if (j) {
        j->field("found", v.found).field("status", ip_vs_radius_status_name(v.status));
        if (parsed)
            j->field("code", ip_vs_radius_code_name(v.msg.code))
                .field("code_num", unsigned{v.msg.code})
                .field("id", unsigned{v.msg.ident});
        j->field("kind", ip_vs_radius_kind_name(v.key.kind))
            .field("value", radius_value(v))
            .field("nas_type", v.nas_type)
            .field("nas", v.nas)
            .field("key", hex(v.key.buf, v.key.len))
            .field("oversized", oversized)
            .field("state", state);
        j->key("fallback");
        if (v.key.kind != IP_VS_RADIUS_K_ADDR || client.empty())
            j->null();
        else
            j->value(client);
        return;
    }
    const std::string fallback = client.empty() ? "client address" : "client " + client;
    if (!parsed) {
        out << "none (not a RADIUS message: " << ip_vs_radius_status_name(v.status)
            << "; fallback: " << fallback << ")";
        return;
    }
    out << ip_vs_radius_code_name(v.msg.code) << " id " << unsigned{v.msg.ident} << " ";
    if (v.challenge) {
        if (v.msg.state.len)
            out << "learns state " << state;
        else
            out << "none (no State to learn)";
        return;
    }
    if (v.key.kind == IP_VS_RADIUS_K_ADDR) {
        out << "none (fallback: " << fallback << ")";
    } else {
        out << ip_vs_radius_kind_name(v.key.kind) << " " << printable(radius_value(v)) << " "
            << (v.nas_type.empty() ? "no-nas" : v.nas_type + " " + v.nas);
        if (oversized) out << " (oversized: placed by hash, never bound)";
    }
    if (v.msg.state.len) out << " state " << state;
    if (v.status == IP_VS_RADIUS_E_DUPSTATE) out << " (two States: ignored)";
}

int radius_key_capture(const Args& a, Env& env, std::istream& in, std::vector<unsigned char> head,
                       const std::string& name) {
    return keys_capture(a, env, in, std::move(head), name, "with a key or State",
                        [](const pcap::Datagram& d, Json* j, std::ostream& out) {
                            const RadiusView v = radius_view(d.payload);
                            radius_describe(v, endpoint(d.src, d.sport), j, out);
                            return KeyResult{v.found, v.status == IP_VS_RADIUS_E_SHORT};
                        });
}

// Reads FILE (or standard input): a capture goes to `capture`, one
// datagram is returned in `data`. Returns -1 when `data` holds the datagram.
int read_key_input(const Args& a, Env& env, std::vector<unsigned char>& data,
                   int (*capture)(const Args&, Env&, std::istream&, std::vector<unsigned char>,
                                  const std::string&)) {
    std::ifstream file;
    std::istream* in = &std::cin;
    std::string name = "standard input";
    expect_end(a, a.pos.empty() ? 0 : 1);
    if (!a.pos.empty() && a.pos[0] != "-") {
        file.open(a.pos[0], std::ios::binary);
        if (!file) {
            env.err << "ipvs-udp: cannot read " << a.pos[0] << "\n";
            return kUsage;
        }
        in = &file;
        name = a.pos[0];
    }
    // A capture or one datagram: by the first bytes.
    std::vector<unsigned char> head(12);
    in->read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in->gcount()));
    if (pcap::detect(head) != pcap::Format::datagram)
        return capture(a, env, *in, std::move(head), name);
    if (in->bad()) {
        env.err << "ipvs-udp: cannot read " << name << "\n";
        return kUsage;
    }
    data = std::move(head);
    data.insert(data.end(), std::istreambuf_iterator<char>(*in), {});
    return -1;
}

}  // namespace

int cmd_sip_decode(const Args& a, Env& env) {
    std::vector<unsigned char> data;
    if (const int rc = read_key_input(a, env, data, sip_callid_capture); rc >= 0) return rc;
    ip_vs_sip_msg msg{};
    const bool found = ip_vs_sip_parse(data.data(), data.size(), &msg) == 0;
    std::string_view id =
        found ? std::string_view(reinterpret_cast<const char*>(msg.callid), msg.callid_len) : "";
    if (a.json) {
        Json j;
        j.begin_object().key("call_id");
        if (found)
            j.value(id);
        else
            j.value("");
        j.field("found", found).end_object();
        env.out << j.str() << "\n";
    } else {
        env.out << (found ? id : "none") << "\n";
    }
    return found ? kOk : kNegative;
}

int cmd_radius_decode(const Args& a, Env& env) {
    std::vector<unsigned char> data;
    if (const int rc = read_key_input(a, env, data, radius_key_capture); rc >= 0) return rc;
    const RadiusView v = radius_view(data);
    if (a.json) {
        Json j;
        j.begin_object();
        radius_describe(v, "", &j, env.out);
        j.end_object();
        env.out << j.str() << "\n";
    } else {
        radius_describe(v, "", nullptr, env.out);
        env.out << "\n";
    }
    return v.found ? kOk : kNegative;
}

}  // namespace ipvsudp::cli
