// SPDX-License-Identifier: GPL-2.0
/*
 * SIP message classification for the IPVS "sip" scheduler.
 *
 * ip_vs_sip_parse() reads the start line and the header section of one SIP
 * datagram (RFC 3261 sections 7.1-7.3, 7.5, 20.8, 20.16 and 25.1) and reports
 * the Call-ID value, the method and, for responses, the status code.
 *
 * The same file is built as kernel code (into ip_vs_sip.ko) and as plain
 * userspace C11 (the sip-callid tool and the libFuzzer target), so it uses no
 * library function at all: every helper is written out below (the one
 * compiler builtin, an 8-byte __builtin_memcpy, is a plain load).
 *
 * Work is bounded: at most IP_VS_SIP_SCAN_MAX bytes are considered, each of
 * them is classified once by sip_line() (eight at a time by word
 * arithmetic, else one table lookup) and at most three more times by the
 * header name, value and CSeq scanners, and there is no recursion. Nothing
 * is ever read at or beyond @len. The scan stops as soon as the answer is
 * known: after the Call-ID for a request, after the Call-ID and the CSeq
 * for a response.
 *
 * Decisions where RFC 3261 leaves room or where the input is not valid SIP:
 *
 * - Leading line ends: any run of CR and LF bytes before the start line is
 *   skipped (RFC 3261 7.5), so a keepalive ("\r\n\r\n", "\r\n") is simply an
 *   empty datagram: -ENOENT, nothing set.
 *
 * - Start line: it must end with a line end inside the buffer. A request line
 *   is "token SP Request-URI SP SIP/2.0", with single spaces, a Request-URI
 *   without SP or HTAB and "SIP/2.0" compared case-insensitively (RFC 3261
 *   7.1). The method is compared case-sensitively; a well-formed but unknown
 *   token (an extension method, or "invite") gives IP_VS_SIP_M_UNKNOWN and
 *   the message is still parsed. A status line is "SIP/2.0 SP 3DIGIT" with a
 *   code in 100..699 followed by the end of the line or by SP and any reason
 *   phrase (an empty reason is accepted without its SP). Any other start line
 *   means "not SIP": -ENOENT with @msg all zero.
 *
 * - Line ends: CRLF or a bare LF. A CR that is not followed by LF is a
 *   control byte (see below), except as the very last byte of the buffer,
 *   where it is taken as the first half of a line end that got cut off.
 *
 * - Control bytes: NUL and every other byte in 0x00-0x1f or 0x7f, other than
 *   HTAB and line ends, anywhere in the start line or the header section
 *   (up to the empty line, or up to @len) make the datagram "not SIP":
 *   -ENOENT with @msg all zero, even when a Call-ID appeared before them in
 *   a response still looking for its CSeq. Bytes after the point where the
 *   scan stops (see above) are not looked at.
 *   The RFC 3261 grammar allows control bytes in headers only as an escaped
 *   quoted-pair, which no real implementation sends; refusing them keeps
 *   binary junk (STUN, RTP, random probes) and keys with embedded NULs out of
 *   the binding table. Bytes 0x80-0xff (UTF-8) are ordinary bytes. The body
 *   is never looked at, so it may hold anything.
 *
 * - Header lines: the name is a token (compared case-insensitively), then
 *   optional SP/HTAB, then ':'. A line that does not look like that (and the
 *   continuation lines that belong to it) is skipped, it does not end the
 *   header section. Only "Call-ID" and its compact form "i" name the Call-ID;
 *   "Call-Info", "Call-IDx", "Identity", "i2" and so on never match.
 *
 * - Folding: a line starting with SP or HTAB continues the previous header
 *   (LWS, RFC 3261 7.3.1), so a value may start on a continuation line. The
 *   key is the contiguous run of bytes from the first to the last byte of the
 *   value that is not SP, HTAB, CR or LF. A fold inside the value is not
 *   rewritten to a single SP (the key points into the buffer), its CR, LF and
 *   whitespace bytes are part of the key. A Call-ID cannot legally contain
 *   whitespace, so this only matters for broken senders, and it is the same
 *   for every copy of such a message.
 *
 * - End of headers: the first empty line (CRLF or LF alone). Nothing after
 *   it is ever matched. A line holding only SP/HTAB is a continuation line,
 *   not the empty line.
 *
 * - First one wins: only the first Call-ID header counts. If its value is
 *   empty (nothing but whitespace), the message has no key even when a later
 *   Call-ID header has one. The same holds for CSeq in responses.
 *
 * - Completeness: the value of a header is known only when the line end of
 *   its last line is followed by at least one byte that is not SP/HTAB (that
 *   byte may be the start of the next header or of the empty line). A
 *   Call-ID whose line end is the last byte of the buffer could still go on
 *   in a continuation line that was cut off, so it is treated exactly like a
 *   value that runs into the end of the buffer: -ENOENT, IP_VS_SIP_F_TRUNCATED.
 *   The same rule applies to CSeq (its method is then unknown).
 *
 * - IP_VS_SIP_F_TRUNCATED is set when the scan reached the end of the
 *   scanned bytes before the empty line that ends the header section and
 *   before it knew the answer: with a key (a response whose CSeq was not
 *   found) or without one (-ENOENT).
 *
 * - A Call-ID longer than IP_VS_SIP_CALLID_MAX is returned anyway, flagged
 *   IP_VS_SIP_F_OVERSIZED.
 *
 * - Responses: the method comes from the first CSeq header,
 *   "CSeq: 1*DIGIT LWS Method" (RFC 3261 20.16), compared case-sensitively;
 *   a missing, incomplete or malformed CSeq gives IP_VS_SIP_M_UNKNOWN. In
 *   requests CSeq is not looked at.
 *
 * - When the start line is valid, method, status and IP_VS_SIP_F_RESPONSE /
 *   IP_VS_SIP_F_TRUNCATED are reported even if the return is -ENOENT.
 */

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/export.h>
#include <kunit/visibility.h>
#else
#include <errno.h>
#endif

#include "ip_vs_sip_parse.h"

/* "SIP/2.0", compared case-insensitively against this lower-case form. */
#define SIP_VERSION		"sip/2.0"
#define SIP_VERSION_LEN		7

/* Method names by enum ip_vs_sip_method, NULL terminated. */
static const char * const sip_method_names[] = {
	[IP_VS_SIP_M_UNKNOWN]	= "",
	[IP_VS_SIP_M_INVITE]	= "INVITE",
	[IP_VS_SIP_M_ACK]	= "ACK",
	[IP_VS_SIP_M_BYE]	= "BYE",
	[IP_VS_SIP_M_CANCEL]	= "CANCEL",
	[IP_VS_SIP_M_REGISTER]	= "REGISTER",
	[IP_VS_SIP_M_OPTIONS]	= "OPTIONS",
	[IP_VS_SIP_M_PRACK]	= "PRACK",
	[IP_VS_SIP_M_SUBSCRIBE]	= "SUBSCRIBE",
	[IP_VS_SIP_M_NOTIFY]	= "NOTIFY",
	[IP_VS_SIP_M_PUBLISH]	= "PUBLISH",
	[IP_VS_SIP_M_INFO]	= "INFO",
	[IP_VS_SIP_M_REFER]	= "REFER",
	[IP_VS_SIP_M_MESSAGE]	= "MESSAGE",
	[IP_VS_SIP_M_UPDATE]	= "UPDATE",
	NULL
};

enum sip_line_res {
	SIP_LINE_OK,		/* line end found */
	SIP_LINE_PARTIAL,	/* buffer ends before the line end */
	SIP_LINE_BAD,		/* control byte in the line */
};

/* Byte classes, one table lookup per byte on the hot paths. */
#define SIP_C_TOKEN	0x01	/* RFC 3261 25.1 token character */
#define SIP_C_WSP	0x02	/* SP, HTAB */
#define SIP_C_DIGIT	0x04
#define SIP_C_STOP	0x08	/* ends a line scan: CR, LF, other controls */

static const u8 sip_cls[256] = {
	[0x00 ... 0x08]	= SIP_C_STOP,
	['\t']		= SIP_C_WSP,
	[0x0a ... 0x1f]	= SIP_C_STOP,
	[' ']		= SIP_C_WSP,
	[0x7f]		= SIP_C_STOP,
	['a' ... 'z']	= SIP_C_TOKEN,
	['A' ... 'Z']	= SIP_C_TOKEN,
	['0' ... '9']	= SIP_C_TOKEN | SIP_C_DIGIT,
	['-']		= SIP_C_TOKEN,
	['.']		= SIP_C_TOKEN,
	['!']		= SIP_C_TOKEN,
	['%']		= SIP_C_TOKEN,
	['*']		= SIP_C_TOKEN,
	['_']		= SIP_C_TOKEN,
	['+']		= SIP_C_TOKEN,
	['`']		= SIP_C_TOKEN,
	['\'']		= SIP_C_TOKEN,
	['~']		= SIP_C_TOKEN,
};

/* SP or HTAB */
static bool sip_is_wsp(u8 c)
{
	return sip_cls[c] & SIP_C_WSP;
}

/* Whitespace inside a (possibly folded) header value. */
static bool sip_is_lws(u8 c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool sip_is_digit(u8 c)
{
	return sip_cls[c] & SIP_C_DIGIT;
}

/* Control bytes other than HTAB; CR and LF are handled by sip_line(). */
static bool sip_is_ctl(u8 c)
{
	return sip_cls[c] & SIP_C_STOP;
}

static bool sip_is_token(u8 c)
{
	return sip_cls[c] & SIP_C_TOKEN;
}

static u8 sip_lower(u8 c)
{
	return (c >= 'A' && c <= 'Z') ? (u8)(c + ('a' - 'A')) : c;
}

/*
 * sip_eq - compare @n bytes at @p with the NUL-terminated @lit
 * @nocase: compare ASCII letters case-insensitively (@lit is lower case)
 */
static bool sip_eq(const u8 *p, size_t n, const char *lit, bool nocase)
{
	size_t i;

	for (i = 0; i < n; i++) {
		u8 c = nocase ? sip_lower(p[i]) : p[i];

		if (!lit[i] || c != (u8)lit[i])
			return false;
	}
	return !lit[n];
}

/* Method token (case-sensitive) to enum ip_vs_sip_method. */
static u8 sip_method(const u8 *p, size_t n)
{
	u8 m;

	for (m = IP_VS_SIP_M_UNKNOWN + 1; sip_method_names[m]; m++)
		if (sip_eq(p, n, sip_method_names[m], false))
			return m;
	return IP_VS_SIP_M_UNKNOWN;
}

/*
 * Eight bytes at @p as one word, in whatever byte order: only used to ask
 * whether any of them is a control byte. A constant-size copy is a single
 * (unaligned) load; __builtin_memcpy works the same in the kernel and in
 * userspace.
 */
static unsigned long long sip_word(const u8 *p)
{
	unsigned long long w;

	__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

#define SIP_ONES	0x0101010101010101ULL
#define SIP_HIGHS	0x8080808080808080ULL

/*
 * sip_word_ctl - does @w hold a byte below 0x20 or equal to 0x7f?
 *
 * Exact for the question "any such byte" (the classic has-less-than and
 * has-zero word tricks: a borrow only crosses into a higher byte when a
 * lower byte matched). HTAB (0x09) counts, so a word with a tab goes the
 * byte-by-byte way; that is only slower.
 */
static bool sip_word_ctl(unsigned long long w)
{
	unsigned long long del = w ^ (0x7f * SIP_ONES);

	return (((w - 0x20 * SIP_ONES) & ~w) |
		((del - SIP_ONES) & ~del)) & SIP_HIGHS;
}

/*
 * sip_line - find the end of the line that starts at @pos
 * @eol: set to the end of the line's content (its CR or LF)
 * @next: set to the first byte after the line end
 *
 * Checks every byte of the line for control bytes on the way. When the
 * buffer ends first (SIP_LINE_PARTIAL), @eol excludes a final lone CR and
 * @next is @len.
 */
static enum sip_line_res sip_line(const u8 *buf, size_t len, size_t pos,
				  size_t *eol, size_t *next)
{
	size_t i;

	*eol = len;
	*next = len;
	for (i = pos; i < len; i++) {
		u8 c;

		/* Eight ordinary bytes at a time, then byte by byte. */
		while (len - i >= 8 && !sip_word_ctl(sip_word(buf + i)))
			i += 8;
		if (i == len)
			break;
		c = buf[i];
		if (!(sip_cls[c] & SIP_C_STOP))
			continue;
		if (c == '\n') {
			*eol = i;
			*next = i + 1;
			return SIP_LINE_OK;
		}
		if (c == '\r') {
			if (i + 1 == len) {
				*eol = i;
				return SIP_LINE_PARTIAL;
			}
			if (buf[i + 1] != '\n')
				return SIP_LINE_BAD;
			*eol = i;
			*next = i + 2;
			return SIP_LINE_OK;
		}
		if (sip_is_ctl(c))
			return SIP_LINE_BAD;
	}
	return SIP_LINE_PARTIAL;
}

/*
 * sip_start_line - parse the request or status line @s (@n bytes, line end
 * excluded) into @msg
 *
 * Return: false when it is neither.
 */
static bool sip_start_line(const u8 *s, size_t n, struct ip_vs_sip_msg *msg)
{
	unsigned int status = 0;
	size_t i, tok;

	/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase */
	if (n >= SIP_VERSION_LEN &&
	    sip_eq(s, SIP_VERSION_LEN, SIP_VERSION, true)) {
		if (n < SIP_VERSION_LEN + 4 || s[SIP_VERSION_LEN] != ' ')
			return false;
		for (i = SIP_VERSION_LEN + 1; i < SIP_VERSION_LEN + 4; i++) {
			if (!sip_is_digit(s[i]))
				return false;
			status = status * 10 + (s[i] - '0');
		}
		if (i < n && s[i] != ' ')
			return false;
		if (status < 100 || status > 699)
			return false;
		msg->status = (u16)status;
		msg->flags |= IP_VS_SIP_F_RESPONSE;
		return true;
	}

	/* Request-Line = Method SP Request-URI SP SIP-Version */
	for (tok = 0; tok < n && sip_is_token(s[tok]); tok++)
		;
	if (!tok || tok == n || s[tok] != ' ')
		return false;
	/* method, SP, at least one byte of URI, SP, version */
	if (n < tok + 3 + SIP_VERSION_LEN)
		return false;
	if (s[n - SIP_VERSION_LEN - 1] != ' ' ||
	    !sip_eq(s + n - SIP_VERSION_LEN, SIP_VERSION_LEN, SIP_VERSION,
		    true))
		return false;
	for (i = tok + 1; i < n - SIP_VERSION_LEN - 1; i++)
		if (sip_is_wsp(s[i]))
			return false;
	msg->method = sip_method(s, tok);
	return true;
}

/*
 * sip_cseq_method - method of a CSeq value, "1*DIGIT LWS Method"
 * @v: value, leading whitespace included, trailing whitespace and folds
 *     included (@e is the end of the header's last line)
 */
static u8 sip_cseq_method(const u8 *buf, size_t v, size_t e)
{
	size_t d, t;

	while (v < e && sip_is_lws(buf[v]))
		v++;
	for (d = v; d < e && sip_is_digit(buf[d]); d++)
		;
	if (d == v || d == e || !sip_is_lws(buf[d]))
		return IP_VS_SIP_M_UNKNOWN;
	while (d < e && sip_is_lws(buf[d]))
		d++;
	for (t = d; t < e && sip_is_token(buf[t]); t++)
		;
	if (t == d)
		return IP_VS_SIP_M_UNKNOWN;
	for (v = t; v < e; v++)
		if (!sip_is_lws(buf[v]))
			return IP_VS_SIP_M_UNKNOWN;
	return sip_method(buf + d, t - d);
}

enum sip_hdr {
	SIP_HDR_OTHER,
	SIP_HDR_CALLID,
	SIP_HDR_CSEQ,
	SIP_HDR_BAD,		/* not "token *WSP :" */
};

/*
 * sip_header - classify the header line [@pos, @eol)
 * @val: set to the first byte after the colon
 */
static enum sip_hdr sip_header(const u8 *buf, size_t pos, size_t eol,
			       size_t *val)
{
	size_t name = pos, i;

	for (i = pos; i < eol && sip_is_token(buf[i]); i++)
		;
	if (i == name)
		return SIP_HDR_BAD;
	pos = i;
	while (i < eol && sip_is_wsp(buf[i]))
		i++;
	if (i == eol || buf[i] != ':')
		return SIP_HDR_BAD;
	*val = i + 1;
	if (sip_eq(buf + name, pos - name, "call-id", true) ||
	    sip_eq(buf + name, pos - name, "i", true))
		return SIP_HDR_CALLID;
	if (sip_eq(buf + name, pos - name, "cseq", true))
		return SIP_HDR_CSEQ;
	return SIP_HDR_OTHER;
}

/**
 * ip_vs_sip_parse - classify one SIP datagram
 * @buf: start of the UDP payload (may be NULL when @len is 0)
 * @len: bytes available at @buf; only the first IP_VS_SIP_SCAN_MAX are used
 * @msg: result, fully written on every return
 *
 * See the comment at the top of this file for the exact rules.
 *
 * Return: 0 when a Call-ID was found, -ENOENT otherwise.
 */
int ip_vs_sip_parse(const u8 *buf, size_t len, struct ip_vs_sip_msg *msg)
{
	struct ip_vs_sip_msg res = { 0 };
	bool seen_callid = false, seen_cseq = false, eoh = false;
	size_t pos = 0, eol, next, blk_eol, val, key = 0, key_end = 0;
	enum sip_line_res lr;
	enum sip_hdr hdr;
	bool complete;

	*msg = res;
	if (!buf)
		return -ENOENT;
	if (len > IP_VS_SIP_SCAN_MAX)
		len = IP_VS_SIP_SCAN_MAX;

	/* RFC 3261 7.5: CRLFs before the start line are ignored. */
	while (pos < len && (buf[pos] == '\r' || buf[pos] == '\n'))
		pos++;
	if (sip_line(buf, len, pos, &eol, &next) != SIP_LINE_OK ||
	    !sip_start_line(buf + pos, eol - pos, &res))
		return -ENOENT;

	for (pos = next; ; pos = next) {
		if (pos == len)
			break;
		/* The empty line ends the header section. */
		if (buf[pos] == '\n' || (buf[pos] == '\r' && pos + 1 < len &&
					 buf[pos + 1] == '\n')) {
			eoh = true;
			break;
		}

		/* One header: its first line and its continuation lines. */
		lr = sip_line(buf, len, pos, &eol, &next);
		if (lr == SIP_LINE_BAD)
			return -ENOENT;
		complete = lr == SIP_LINE_OK;
		blk_eol = eol;
		while (complete) {
			if (next == len) {
				/* a continuation line may have been cut off */
				complete = false;
				break;
			}
			if (!sip_is_wsp(buf[next]))
				break;
			lr = sip_line(buf, len, next, &blk_eol, &next);
			if (lr == SIP_LINE_BAD)
				return -ENOENT;
			complete = lr == SIP_LINE_OK;
		}

		/* The header name and colon must be on its first line. */
		hdr = sip_header(buf, pos, eol, &val);
		if (hdr == SIP_HDR_CALLID && !seen_callid) {
			seen_callid = true;
			if (complete) {
				key = val;
				key_end = blk_eol;
				while (key < key_end && sip_is_lws(buf[key]))
					key++;
				while (key_end > key &&
				       sip_is_lws(buf[key_end - 1]))
					key_end--;
			}
		} else if (hdr == SIP_HDR_CSEQ && !seen_cseq &&
			   (res.flags & IP_VS_SIP_F_RESPONSE)) {
			seen_cseq = true;
			if (complete)
				res.method = sip_cseq_method(buf, val, blk_eol);
		}
		if (!complete)
			break;
		/*
		 * Everything needed is known: the Call-ID, and for a response
		 * also its CSeq method. The rest of the header section is
		 * not looked at (not even for control bytes).
		 */
		if (key_end > key &&
		    (seen_cseq || !(res.flags & IP_VS_SIP_F_RESPONSE))) {
			eoh = true;
			break;
		}
	}

	if (!eoh)
		res.flags |= IP_VS_SIP_F_TRUNCATED;
	if (key_end > key) {
		res.callid = buf + key;
		/* at most IP_VS_SIP_SCAN_MAX */
		res.callid_len = (u16)(key_end - key);
		if (res.callid_len > IP_VS_SIP_CALLID_MAX)
			res.flags |= IP_VS_SIP_F_OVERSIZED;
	}
	*msg = res;
	return res.callid_len ? 0 : -ENOENT;
}

#ifdef __KERNEL__
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_parse);
#endif

/**
 * ip_vs_sip_method_name - the name of an enum ip_vs_sip_method value
 * @method: the value
 *
 * Return: the method's name, "UNKNOWN" for IP_VS_SIP_M_UNKNOWN or any
 * value out of range.
 */
const char *ip_vs_sip_method_name(u8 method)
{
	if (method == IP_VS_SIP_M_UNKNOWN || method > IP_VS_SIP_M_UPDATE)
		return "UNKNOWN";
	return sip_method_names[method];
}
