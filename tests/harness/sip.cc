// SPDX-License-Identifier: GPL-2.0
#include "sip.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <fstream>

#include "harness.h"

namespace ipvsudp::harness {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// The header section's lines, folded lines joined, without the start line.
std::vector<std::string> header_lines(std::string_view head) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos <= head.size()) {
        auto nl = head.find('\n', pos);
        std::string_view line =
            head.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !lines.empty()) {
            lines.back() += ' ';
            lines.back() += trim(line);
        } else {
            lines.emplace_back(line);
        }
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return lines;
}

std::string canonical(std::string_view name) {
    std::string n = lower(trim(name));
    if (n == "i") return "call-id";
    if (n == "f") return "from";
    if (n == "t") return "to";
    if (n == "v") return "via";
    return n;
}

std::string tag_of(std::string_view hdr) {
    auto l = lower(hdr);
    auto p = l.find(";tag=");
    if (p == std::string::npos) return {};
    auto v = hdr.substr(p + 5);
    auto end = v.find_first_of(";> ,");
    return std::string(v.substr(0, end));
}

}  // namespace

std::optional<SipMessage> parse_sip(std::string_view data) {
    std::size_t end = data.find("\r\n\r\n");
    if (end == std::string_view::npos) end = data.find("\n\n");
    std::string_view head = data.substr(0, end);
    auto lines = header_lines(head);
    if (lines.empty()) return std::nullopt;
    SipMessage m;
    std::string_view start = lines[0];
    if (start.starts_with("SIP/2.0 ")) {
        auto code = parse_int(start.substr(8, 3), 100, 699);
        if (!code || (start.size() > 11 && start[11] != ' ')) return std::nullopt;
        m.status = static_cast<int>(*code);
    } else {
        auto sp1 = start.find(' ');
        auto sp2 = start.rfind(' ');
        if (sp1 == std::string_view::npos || sp2 == sp1 || start.substr(sp2 + 1) != "SIP/2.0")
            return std::nullopt;
        m.request = true;
        m.method = start.substr(0, sp1);
        m.uri = start.substr(sp1 + 1, sp2 - sp1 - 1);
    }
    bool have_cseq = false;
    for (std::size_t i = 1; i < lines.size(); i++) {
        auto colon = lines[i].find(':');
        if (colon == std::string::npos) continue;
        std::string name = canonical(std::string_view(lines[i]).substr(0, colon));
        std::string_view value = trim(std::string_view(lines[i]).substr(colon + 1));
        if (name == "call-id" && m.call_id.empty()) {
            m.call_id = value;
        } else if (name == "cseq" && !have_cseq) {
            auto sp = value.find_first_of(" \t");
            if (sp == std::string_view::npos) return std::nullopt;
            auto n = parse_int(value.substr(0, sp), 0, UINT32_MAX);
            if (!n) return std::nullopt;
            m.cseq = static_cast<std::uint32_t>(*n);
            m.cseq_method = trim(value.substr(sp + 1));
            have_cseq = true;
        } else if (name == "from" && m.from.empty()) {
            m.from = value;
        } else if (name == "to" && m.to.empty()) {
            m.to = value;
            m.to_tag = tag_of(value);
        } else if (name == "via") {
            // Several values may share one line, separated by commas.
            std::string_view rest = value;
            while (!rest.empty()) {
                auto comma = rest.find(',');
                m.via.emplace_back(trim(rest.substr(0, comma)));
                if (comma == std::string_view::npos) break;
                rest = rest.substr(comma + 1);
            }
        }
    }
    if (m.call_id.empty() || !have_cseq) return std::nullopt;
    return m;
}

std::string build_request(const SipRequest& r) {
    std::string to = "<" + r.uri + ">";
    if (!r.to_tag.empty()) to += ";tag=" + r.to_tag;
    std::string s = r.method + " " + r.uri + " SIP/2.0\r\n";
    s += "Via: SIP/2.0/UDP " + r.via_host + ";branch=z9hG4bK-" + r.branch + ";rport\r\n";
    s += "From: <sip:caller@" + r.via_host + ">;tag=" + r.from_tag + "\r\n";
    s += "To: " + to + "\r\n";
    s += "Call-ID: " + r.call_id + "\r\n";
    s += "CSeq: " + std::to_string(r.cseq) + " " + r.method + "\r\n";
    s += "Contact: <sip:caller@" + r.via_host + ">\r\n";
    s += "Max-Forwards: 70\r\n";
    if (!r.body.empty()) s += "Content-Type: application/sdp\r\n";
    s += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
    s += r.body;
    return s;
}

std::string build_response(const SipMessage& req, int status, std::string_view reason,
                           std::string_view to_tag, std::string_view contact) {
    std::string s = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
    for (const auto& v : req.via) s += "Via: " + v + "\r\n";
    s += "From: " + req.from + "\r\n";
    std::string to = req.to;
    if (req.to_tag.empty() && !to_tag.empty()) to += ";tag=" + std::string(to_tag);
    s += "To: " + to + "\r\n";
    s += "Call-ID: " + req.call_id + "\r\n";
    s += "CSeq: " + std::to_string(req.cseq) + " " + req.cseq_method + "\r\n";
    if (!contact.empty()) s += "Contact: <" + std::string(contact) + ">\r\n";
    s += "Content-Length: 0\r\n\r\n";
    return s;
}

std::string DialogStore::file_name(std::string_view call_id) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : call_id) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '_' || c == '@' || c == '+' || c == '-') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (out.empty()) out = "%";
    if (out.size() > 200) {
        std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64
        for (char ch : call_id) {
            h ^= static_cast<unsigned char>(ch);
            h *= 1099511628211ULL;
        }
        char buf[20];
        std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
        out.resize(183);
        out += '+';
        out += buf;
    }
    return out;
}

std::optional<std::string> DialogStore::find(std::string_view call_id) const {
    std::ifstream f(path(call_id));
    std::string tag;
    if (!f || !std::getline(f, tag) || tag.empty()) return std::nullopt;
    return tag;
}

std::string DialogStore::create(std::string_view call_id, std::string_view tag) const {
    if (auto t = find(call_id)) return *t;
    // Written whole under a temporary name, then linked: a reader sees no
    // file or a complete one, and of two servers the first link wins.
    static std::atomic<unsigned> seq{0};
    const std::string tmp =
        dir_ + "/.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(seq++);
    {
        std::ofstream f(tmp, std::ios::trunc);
        if (!f) throw_errno("open " + tmp);
        f << tag << "\n";
        f.flush();
        if (!f) throw_errno("write " + tmp);
    }
    const std::string final_path = path(call_id);
    const int rc = ::link(tmp.c_str(), final_path.c_str());
    const int err = errno;
    ::unlink(tmp.c_str());
    if (rc == 0) return std::string(tag);
    if (err == EEXIST) {
        if (auto t = find(call_id)) return *t;
    }
    errno = err;
    throw_errno("link " + final_path);
}

std::string format_uas_record(const UasRecord& r) {
    auto clean = [](std::string v) {
        std::replace_if(
            v.begin(), v.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, '?');
        return v;
    };
    return clean(r.call_id) + "\t" + clean(r.method) + "\t" + clean(r.source) + "\t" +
           std::to_string(r.status);
}

std::optional<UasRecord> parse_uas_record(std::string_view line) {
    std::vector<std::string_view> f;
    while (true) {
        auto tab = line.find('\t');
        f.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) break;
        line = line.substr(tab + 1);
    }
    if (f.size() != 4 || f[0].empty()) return std::nullopt;
    auto st = parse_int(f[3], 0, 699);
    if (!st) return std::nullopt;
    return UasRecord{std::string(f[0]), std::string(f[1]), std::string(f[2]),
                     static_cast<int>(*st)};
}

AffinityVerdict verify_affinity(const std::map<std::string, std::vector<UasRecord>>& logs,
                                const std::set<std::string>& expected) {
    AffinityVerdict v;
    std::map<std::string, std::set<std::string>> seen_by;  // Call-ID -> servers
    for (const auto& [server, recs] : logs) {
        std::set<std::string> mine;
        for (const auto& r : recs) {
            seen_by[r.call_id].insert(server);
            mine.insert(r.call_id);
            if (r.status == 481) v.r481++;
        }
        v.server_calls[server] = mine.size();
    }
    v.calls = seen_by.size();
    for (const auto& [cid, servers] : seen_by) {
        if (servers.size() > 1) {
            v.split++;
            if (v.split_ids.size() < 5) v.split_ids.push_back(cid);
        }
    }
    for (const auto& cid : expected)
        if (!seen_by.count(cid)) v.missing++;
    return v;
}

std::string AffinityVerdict::json() const {
    Json j;
    j.begin_object()
        .field("ok", ok())
        .field("calls", static_cast<std::uint64_t>(calls))
        .field("split", static_cast<std::uint64_t>(split))
        .field("missing", static_cast<std::uint64_t>(missing))
        .field("r481", static_cast<std::uint64_t>(r481))
        .counts("servers", server_calls)
        .key("split_ids")
        .begin_array();
    for (const auto& s : split_ids) j.value(s);
    j.end_array().end_object();
    return j.str();
}

}  // namespace ipvsudp::harness
