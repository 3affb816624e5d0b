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
 * The header section is read whole, up to the empty line, but never past
 * IP_VS_SIP_HDR_MAX bytes of the datagram. A datagram need not be in one
 * buffer: ip_vs_sip_parse_chunks() parses the first part in place and goes
 * on with copied windows of the rest. The parser keeps a few bytes of state
 * between the parts (struct sip_parser) and asks for the next part at a
 * given offset: right after the last byte it took, or, for the start line
 * and the Call-ID and CSeq headers, which it reads whole (at most
 * IP_VS_SIP_LINE_MAX bytes each), at their first byte. So the result never
 * depends on where the parts are cut.
 *
 * Work is bounded: each byte is classified once by sip_line() (eight at a
 * time by word arithmetic, else one table lookup) and at most three more
 * times by the header name, value, CSeq and quoted-string scanners; bytes of
 * the start line, Call-ID and CSeq are scanned up to twice more when
 * their header straddles two parts (at most 3 * IP_VS_SIP_LINE_MAX bytes).
 * There is no recursion. Nothing is ever read at or beyond @len. The scan
 * stops as soon as the answer is known: after the Call-ID for a request,
 * after the Call-ID and the CSeq for a response.
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
 *   The one exception is RFC 3261's quoted-pair inside a quoted-string
 *   ("\" followed by any byte but CR and LF, 25.1), as in RFC 4475's
 *   torture message 3.1.1.2 (a To display name holding "\" NUL, BEL and
 *   DEL): there the escaped control byte is an ordinary byte, in any header
 *   but the Call-ID and a response's CSeq (whose grammars have no
 *   quoted-string). A quoted-string starts at a DQUOTE and ends at the next
 *   DQUOTE that is not escaped, or at the end of its header (continuation
 *   lines included); a DQUOTE inside a comment is taken as one as well,
 *   which only ever lets more escaped control bytes through in that header.
 *   Refusing every other control byte keeps binary junk (STUN, RTP, random
 *   probes) and keys with embedded NULs out of the binding table. Bytes
 *   0x80-0xff (UTF-8) are ordinary bytes. The body is never looked at, so it
 *   may hold anything.
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
 *   datagram (or IP_VS_SIP_HDR_MAX, then with IP_VS_SIP_F_TOOLONG) before
 *   the empty line that ends the header section and before it knew the
 *   answer: with a key (a response whose CSeq was not found) or without one
 *   (-ENOENT).
 *
 * - Long lines: the start line (with its line end), and the Call-ID header
 *   and a response's CSeq header (from the first byte of the name to the
 *   line end of the last continuation line, plus the one byte after it that
 *   shows the header complete, see above) are read whole, and at most
 *   IP_VS_SIP_LINE_MAX bytes (the header plus that byte: one more) of each
 *   are looked at. When one does not end within them, the parse stops there
 *   with IP_VS_SIP_F_TOOLONG: a start line that long is "not SIP" (all of
 *   @msg zero but that flag), a Call-ID that long gives no key, a CSeq that
 *   long no method (a key found before it stays). Nothing after the cut is
 *   looked at, control bytes included. A header name (with the SP/HTAB
 *   before its colon) of IP_VS_SIP_LINE_MAX + 1 bytes or more is taken by
 *   its first IP_VS_SIP_LINE_MAX + 1 bytes: "Call-ID" or "CSeq" followed by
 *   that much whitespace is such a long header, anything else another
 *   header. Other headers may be of any length.
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
/* glibc's <sys/cdefs.h> has the kernel's __always_inline; a hint elsewhere */
#ifndef __always_inline
#define __always_inline	inline
#endif
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

/* sip_q.bits, also kept in sip_parser.bits between buffers */
#define SIP_Q_QUOTE	0x01	/* inside a quoted-string */
#define SIP_Q_ESC	0x02	/* ... right after its backslash */

/*
 * Quoted-string state of one header, known up to @pos (a quoted-string ends
 * with its header). Kept up to date lazily: only a control byte needs it.
 */
struct sip_q {
	size_t	pos;
	u8	bits;
};

/* Bring @q up to @to (exclusive). */
static void sip_quote(const u8 *buf, size_t to, struct sip_q *q)
{
	u8 b = q->bits;
	size_t i;

	for (i = q->pos; i < to; i++) {
		u8 c = buf[i];

		if (b & SIP_Q_ESC)
			b &= ~SIP_Q_ESC;
		else if (c == '"')
			b ^= SIP_Q_QUOTE;
		else if (c == '\\' && (b & SIP_Q_QUOTE))
			b |= SIP_Q_ESC;
	}
	q->pos = to;
	q->bits = b;
}

/*
 * sip_line - find the end of the line that starts at @pos
 * @eol: set to the end of the line's content (its CR or LF)
 * @next: set to the first byte after the line end
 * @q: quoted-string state, or NULL when no control byte may be escaped
 *
 * Checks every byte of the line for control bytes on the way; with @q, one
 * that is the second byte of a quoted-pair is accepted. When the buffer
 * ends first (SIP_LINE_PARTIAL), @eol excludes a final lone CR and @next is
 * @len.
 */
static enum sip_line_res sip_line(const u8 *buf, size_t len, size_t pos,
				  size_t *eol, size_t *next, struct sip_q *q)
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
		if (!q)
			return SIP_LINE_BAD;
		/* A control byte: only as a quoted-pair in a quoted-string. */
		sip_quote(buf, i, q);
		if (!(q->bits & SIP_Q_ESC))
			return SIP_LINE_BAD;
		q->bits &= ~SIP_Q_ESC;
		q->pos = i + 1;
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
	SIP_HDR_MORE,		/* @end came before the colon */
};

/* Which header the name @n bytes at @p is (by length first: cheaper). */
static __always_inline enum sip_hdr sip_header_name(const u8 *p, size_t n)
{
	if (n == 7 && sip_eq(p, n, "call-id", true))
		return SIP_HDR_CALLID;
	if (n == 1 && sip_lower(p[0]) == 'i')
		return SIP_HDR_CALLID;
	if (n == 4 && sip_eq(p, n, "cseq", true))
		return SIP_HDR_CSEQ;
	return SIP_HDR_OTHER;
}

/*
 * sip_header - classify the header that starts at @pos by its name
 * @end: look at no byte at or past it
 * @val: set to the first byte after the colon
 *
 * A name followed by optional SP/HTAB and a colon. CR and LF are neither
 * token nor whitespace, so the first line ends the name.
 */
static enum sip_hdr sip_header(const u8 *buf, size_t pos, size_t end,
			       size_t *val)
{
	size_t name = pos, i;

	for (i = pos; i < end && sip_is_token(buf[i]); i++)
		;
	pos = i;
	while (i < end && sip_is_wsp(buf[i]))
		i++;
	if (i == end)
		return SIP_HDR_MORE;
	if (pos == name || buf[i] != ':')
		return SIP_HDR_BAD;
	*val = i + 1;
	return sip_header_name(buf + name, pos - name);
}

/* Name of a header cut at IP_VS_SIP_LINE_MAX + 1 bytes, see the top. */
static enum sip_hdr sip_long_header(const u8 *buf, size_t pos, size_t end)
{
	size_t i;

	for (i = pos; i < end && sip_is_token(buf[i]); i++)
		;
	return sip_header_name(buf + pos, i - pos);
}

/* Where the parser goes on with the next buffer (sip_parser.state). */
enum sip_state {
	SIP_S_START,		/* before or at the start line */
	SIP_S_HDR,		/* at the first byte of a header line */
	SIP_S_SKIP,		/* inside a header that does not matter */
	SIP_S_BOL,		/* after a line end of such a header */
	SIP_S_DONE,
};

/* sip_parser.bits, besides SIP_Q_* */
#define SIP_P_CALLID	0x04	/* the first Call-ID header was seen */
#define SIP_P_CSEQ	0x08	/* the first CSeq header of a response too */

/* The state of one parse between buffers. */
struct sip_parser {
	struct ip_vs_sip_msg	msg;	/* so far; callid stays NULL */
	size_t			off;	/* datagram offset of the next buffer */
	size_t			key;	/* datagram offset of the key */
	u8			state;	/* enum sip_state */
	u8			bits;	/* SIP_Q_*, SIP_P_* */
};

/* What one step of sip_parse_more() found. */
enum sip_step {
	SIP_GO,			/* go on at *pos, in p->state */
	SIP_MORE,		/* the next buffer must start at *pos */
	SIP_EOH,		/* done: empty line, or all that is needed */
	SIP_TRUNC,		/* done: the datagram ended first */
	SIP_LONG,		/* done: a header past IP_VS_SIP_LINE_MAX */
	SIP_NOTSIP,		/* done: not SIP */
};

/* Leading line ends, then the start line, read whole. */
static enum sip_step sip_step_start(struct sip_parser *p, const u8 *buf,
				    size_t len, bool last, size_t *pos)
{
	size_t i = *pos, eol, next, lim;
	enum sip_line_res lr;

	/* RFC 3261 7.5: CRLFs before the start line are ignored. */
	while (i < len && (buf[i] == '\r' || buf[i] == '\n'))
		i++;
	*pos = i;
	lim = len - i > IP_VS_SIP_LINE_MAX ? i + IP_VS_SIP_LINE_MAX : len;
	lr = sip_line(buf, lim, i, &eol, &next, NULL);
	if (lr == SIP_LINE_BAD)
		return SIP_NOTSIP;
	if (lr == SIP_LINE_PARTIAL) {
		if (len - i >= IP_VS_SIP_LINE_MAX)
			return SIP_LONG;
		return last ? SIP_NOTSIP : SIP_MORE;
	}
	if (!sip_start_line(buf + i, eol - i, &p->msg))
		return SIP_NOTSIP;
	*pos = next;
	p->state = SIP_S_HDR;
	return SIP_GO;
}

/*
 * The Call-ID header, or a response's CSeq header, at *pos: read whole (at
 * most IP_VS_SIP_LINE_MAX bytes and the one after them).
 */
static enum sip_step sip_step_key(struct sip_parser *p, const u8 *buf,
				  size_t len, bool last, size_t *pos,
				  enum sip_hdr hdr, size_t val)
{
	size_t blk = *pos, eol, next, blk_eol, lim, key, key_end;
	enum sip_line_res lr;
	bool complete;

	lim = len - blk > IP_VS_SIP_LINE_MAX ? blk + IP_VS_SIP_LINE_MAX + 1 :
					       len;
	lr = sip_line(buf, lim, blk, &eol, &next, NULL);
	if (lr == SIP_LINE_BAD)
		return SIP_NOTSIP;
	complete = lr == SIP_LINE_OK;
	blk_eol = eol;
	while (complete) {
		if (next == lim) {
			/* a continuation line may follow */
			complete = false;
			break;
		}
		if (!sip_is_wsp(buf[next]))
			break;
		lr = sip_line(buf, lim, next, &blk_eol, &next, NULL);
		if (lr == SIP_LINE_BAD)
			return SIP_NOTSIP;
		complete = lr == SIP_LINE_OK;
	}
	if (!complete && len - blk <= IP_VS_SIP_LINE_MAX && !last)
		return SIP_MORE;	/* again from its first byte */

	p->bits |= hdr == SIP_HDR_CALLID ? SIP_P_CALLID : SIP_P_CSEQ;
	if (!complete)
		return len - blk > IP_VS_SIP_LINE_MAX ? SIP_LONG : SIP_TRUNC;
	if (hdr == SIP_HDR_CALLID) {
		key = val;
		key_end = blk_eol;
		while (key < key_end && sip_is_lws(buf[key]))
			key++;
		while (key_end > key && sip_is_lws(buf[key_end - 1]))
			key_end--;
		p->key = p->off + key;
		/* at most IP_VS_SIP_LINE_MAX */
		p->msg.callid_len = (u16)(key_end - key);
	} else {
		p->msg.method = sip_cseq_method(buf, val, blk_eol);
	}
	*pos = next;
	/*
	 * Everything needed is known: the Call-ID, and for a response also
	 * its CSeq method. The rest of the header section is not looked at
	 * (not even for control bytes).
	 */
	if (p->msg.callid_len && ((p->bits & SIP_P_CSEQ) ||
				  !(p->msg.flags & IP_VS_SIP_F_RESPONSE)))
		return SIP_EOH;
	return SIP_GO;
}

/* At the first byte of a header line, or of the empty line. */
static __always_inline enum sip_step
sip_step_hdr1(struct sip_parser *p, const u8 *buf, size_t len, bool last,
	      size_t *pos)
{
	size_t i = *pos, val = 0, lim;
	enum sip_hdr hdr;

	if (i == len)
		return last ? SIP_TRUNC : SIP_MORE;
	/* The empty line ends the header section. */
	if (buf[i] == '\n')
		return SIP_EOH;
	if (buf[i] == '\r') {
		if (i + 1 < len && buf[i + 1] == '\n')
			return SIP_EOH;
		if (i + 1 == len && !last)
			return SIP_MORE;
	}

	lim = len - i > IP_VS_SIP_LINE_MAX ? i + IP_VS_SIP_LINE_MAX + 1 : len;
	hdr = sip_header(buf, i, lim, &val);
	if (hdr == SIP_HDR_MORE) {
		if (len - i <= IP_VS_SIP_LINE_MAX && !last)
			return SIP_MORE;	/* again from its first byte */
		if (len - i > IP_VS_SIP_LINE_MAX)
			hdr = sip_long_header(buf, i, lim);
		else
			hdr = SIP_HDR_OTHER;	/* runs into the end */
	}
	if ((hdr == SIP_HDR_CALLID && !(p->bits & SIP_P_CALLID)) ||
	    (hdr == SIP_HDR_CSEQ && !(p->bits & SIP_P_CSEQ) &&
	     (p->msg.flags & IP_VS_SIP_F_RESPONSE)))
		return sip_step_key(p, buf, len, last, pos, hdr, val);

	/* Any other line, malformed ones too, is skipped. */
	p->bits &= ~(SIP_Q_QUOTE | SIP_Q_ESC);
	p->state = SIP_S_SKIP;
	return SIP_GO;
}

/*
 * Inside a header that does not matter (and its continuation lines): only
 * its line ends, and control bytes outside quoted-pairs, are looked for.
 */
static __always_inline enum sip_step
sip_step_skip(struct sip_parser *p, const u8 *buf, size_t len, bool last,
	      size_t *pos)
{
	struct sip_q q = {
		.pos = *pos,
		.bits = p->bits & (SIP_Q_QUOTE | SIP_Q_ESC),
	};
	size_t i = *pos, eol, next;
	enum sip_line_res lr;

	for (;;) {
		lr = sip_line(buf, len, i, &eol, &next, &q);
		if (lr == SIP_LINE_BAD)
			return SIP_NOTSIP;
		if (lr == SIP_LINE_PARTIAL) {
			if (last)
				return SIP_TRUNC;
			/* again from a final lone CR */
			i = eol;
			break;
		}
		i = next;
		if (i == len) {
			if (last)
				return SIP_TRUNC;	/* a fold may follow */
			p->state = SIP_S_BOL;
			break;
		}
		if (!sip_is_wsp(buf[i])) {
			*pos = i;
			p->state = SIP_S_HDR;
			return SIP_GO;
		}
	}
	/* The quoted-string state at the next buffer's first byte. */
	sip_quote(buf, i, &q);
	p->bits = (p->bits & ~(SIP_Q_QUOTE | SIP_Q_ESC)) | q.bits;
	*pos = i;
	return SIP_MORE;
}

/*
 * At the first byte of a header line, or of the empty line: one header,
 * and on with the next one as long as they do not matter.
 */
static enum sip_step sip_step_hdr(struct sip_parser *p, const u8 *buf,
				  size_t len, bool last, size_t *pos)
{
	enum sip_step st;

	do {
		st = sip_step_hdr1(p, buf, len, last, pos);
		if (st == SIP_GO && p->state == SIP_S_SKIP)
			st = sip_step_skip(p, buf, len, last, pos);
	} while (st == SIP_GO && p->state == SIP_S_HDR);
	return st;
}

/*
 * sip_parse_more - go on with the datagram's bytes at offset p->off
 * @buf: those bytes, @len of them (@buf may be NULL when @len is 0)
 * @last: they end the datagram
 *
 * Return: true when the parse is done (p->msg is the result; its callid
 * points into @buf when the key lies within it, else it is NULL and the key
 * is at datagram offset p->key), false when it must go on with a buffer
 * that starts at the new p->off.
 */
static bool sip_parse_more(struct sip_parser *p, const u8 *buf, size_t len,
			   bool last)
{
	bool clamped = false;
	enum sip_step st;
	size_t pos = 0;

	if (p->state == SIP_S_DONE)
		return true;
	if (!buf)
		len = 0;
	/* Never past IP_VS_SIP_HDR_MAX (p->off is at most that). */
	if (len > IP_VS_SIP_HDR_MAX - p->off ||
	    (len == IP_VS_SIP_HDR_MAX - p->off && !last)) {
		len = IP_VS_SIP_HDR_MAX - p->off;
		clamped = true;
		last = true;
	}

	do {
		switch (p->state) {
		case SIP_S_START:
			st = sip_step_start(p, buf, len, last, &pos);
			break;
		case SIP_S_HDR:
			st = sip_step_hdr(p, buf, len, last, &pos);
			break;
		case SIP_S_BOL:
			if (pos == len) {
				st = last ? SIP_TRUNC : SIP_MORE;
				break;
			}
			p->state = sip_is_wsp(buf[pos]) ? SIP_S_SKIP :
							  SIP_S_HDR;
			st = SIP_GO;
			break;
		default:
			st = sip_step_skip(p, buf, len, last, &pos);
			break;
		}
	} while (st == SIP_GO);

	if (st == SIP_MORE) {
		p->off += pos;
		return false;
	}
	switch (st) {
	case SIP_NOTSIP:
		/* a bad start line or a control byte: not SIP */
		p->msg = (struct ip_vs_sip_msg){ 0 };
		break;
	case SIP_LONG:
		/* a start line that long is not SIP either */
		if (p->state == SIP_S_START)
			p->msg = (struct ip_vs_sip_msg){ 0 };
		p->msg.flags |= IP_VS_SIP_F_TOOLONG;
		break;
	case SIP_TRUNC:
		p->msg.flags |= IP_VS_SIP_F_TRUNCATED;
		if (clamped)
			p->msg.flags |= IP_VS_SIP_F_TOOLONG;
		break;
	default:
		break;
	}
	p->state = SIP_S_DONE;
	if (p->msg.callid_len) {
		if (p->msg.callid_len > IP_VS_SIP_CALLID_MAX)
			p->msg.flags |= IP_VS_SIP_F_OVERSIZED;
		if (p->key >= p->off &&
		    p->key - p->off + p->msg.callid_len <= len)
			p->msg.callid = buf + (p->key - p->off);
	}
	return true;
}

static void sip_parser_init(struct sip_parser *p)
{
	*p = (struct sip_parser){ .state = SIP_S_START };
}

/**
 * ip_vs_sip_parse - classify one SIP datagram
 * @buf: start of the UDP payload (may be NULL when @len is 0)
 * @len: bytes of the datagram at @buf
 * @msg: result, fully written on every return
 *
 * See the comment at the top of this file for the exact rules.
 *
 * Return: 0 when a Call-ID was found, -ENOENT otherwise.
 */
int ip_vs_sip_parse(const u8 *buf, size_t len, struct ip_vs_sip_msg *msg)
{
	struct sip_parser p;

	sip_parser_init(&p);
	sip_parse_more(&p, buf, len, true);
	*msg = p.msg;
	return msg->callid_len ? 0 : -ENOENT;
}

#ifdef __KERNEL__
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_parse);
#endif

/**
 * ip_vs_sip_parse_chunks - classify one SIP datagram in parts
 * @head: its first @headlen bytes, parsed in place
 * @headlen: bytes at @head
 * @total: bytes of the datagram
 * @copy: copies bytes of the datagram into @win
 * @ctx: for @copy
 * @win: scratch buffer of @winlen bytes
 * @winlen: at least IP_VS_SIP_WIN_MIN
 * @msg: result, fully written on every return
 *
 * See ip_vs_sip_parse_chunks() in ip_vs_sip_parse.h.
 *
 * Return: 0 when a Call-ID was found, -ENOENT otherwise, -EINVAL when
 * @winlen is too small.
 */
int ip_vs_sip_parse_chunks(const u8 *head, size_t headlen, size_t total,
			   int (*copy)(void *ctx, size_t off, u8 *to,
				       size_t len),
			   void *ctx, u8 *win, size_t winlen,
			   struct ip_vs_sip_msg *msg)
{
	const u8 *buf = head;
	struct sip_parser p;
	size_t n;

	*msg = (struct ip_vs_sip_msg){ 0 };
	if (winlen < IP_VS_SIP_WIN_MIN)
		return -EINVAL;
	if (headlen > total)
		headlen = total;
	n = headlen;
	sip_parser_init(&p);
	/*
	 * Each window but the last holds at least IP_VS_SIP_LINE_MAX + 2
	 * bytes from p->off: enough for the parser to take at least one of
	 * them, so this ends after at most total windows (far fewer: a
	 * window is only taken again from within for the start line, the
	 * Call-ID or the CSeq).
	 */
	while (!sip_parse_more(&p, buf, n, p.off + n >= total)) {
		n = total - p.off < winlen ? total - p.off : winlen;
		if (copy(ctx, p.off, win, n))
			return -ENOENT;
		buf = win;
	}
	*msg = p.msg;
	if (!msg->callid_len)
		return -ENOENT;
	if (p.key + msg->callid_len <= headlen) {
		/* in the head: used in place, whatever was copied */
		msg->callid = head + p.key;
	} else if (!msg->callid) {
		/* in an earlier window */
		if (copy(ctx, p.key, win, msg->callid_len)) {
			*msg = (struct ip_vs_sip_msg){ 0 };
			return -ENOENT;
		}
		msg->callid = win;
	}
	return msg->callid_len ? 0 : -ENOENT;
}

#ifdef __KERNEL__
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_parse_chunks);
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
