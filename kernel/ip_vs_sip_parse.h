/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIP message classification for the IPVS "sip" scheduler.
 *
 * A pure function over (buffer, length): no skb, no allocation, no global
 * state. The same source is compiled into ip_vs_sip.ko, its KUnit suite, the
 * userspace tool sip-callid and the libFuzzer target.
 */
#ifndef IP_VS_SIP_PARSE_H
#define IP_VS_SIP_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
#endif

/*
 * Longest Call-ID the scheduler pins in its binding table. Longer values are
 * still reported by the parser (IP_VS_SIP_F_OVERSIZED is set) so the caller can
 * place them by hash, but they are never stored. Same limit as upstream's
 * ip_vs_pe_sip (IP_VS_PEDATA_MAXLEN).
 */
#define IP_VS_SIP_CALLID_MAX		255

/*
 * The parser reads the whole header section of a datagram, up to the empty
 * line that ends it (never the body), with two caps that keep its work
 * bounded (ip_vs_sip_parse.c has the exact rules):
 *
 * IP_VS_SIP_LINE_MAX: the start line, the Call-ID header and a response's
 * CSeq header (each with its continuation lines and line end) are read
 * whole; one longer than this gives up the parse (IP_VS_SIP_F_TOOLONG).
 * Other headers may be of any length.
 *
 * IP_VS_SIP_HDR_MAX: bytes past this offset of the datagram are never
 * looked at; a header section that goes on past it is cut there
 * (IP_VS_SIP_F_TRUNCATED | IP_VS_SIP_F_TOOLONG). It is the largest UDP
 * payload, so only IPv6 jumbograms could reach it.
 *
 * IP_VS_SIP_WIN: the kernel copies the parts of a non-linear skb that are
 * not in its linear area in windows of this many bytes (never linearizing
 * it); ip_vs_sip_parse_chunks() needs at least IP_VS_SIP_WIN_MIN.
 */
#define IP_VS_SIP_LINE_MAX		2048
#define IP_VS_SIP_HDR_MAX		65535
#define IP_VS_SIP_WIN			(2 * IP_VS_SIP_LINE_MAX)
#define IP_VS_SIP_WIN_MIN		(IP_VS_SIP_LINE_MAX + 2)

enum ip_vs_sip_method {
	IP_VS_SIP_M_UNKNOWN = 0,	/* unrecognised or extension method */
	IP_VS_SIP_M_INVITE,
	IP_VS_SIP_M_ACK,
	IP_VS_SIP_M_BYE,
	IP_VS_SIP_M_CANCEL,
	IP_VS_SIP_M_REGISTER,
	IP_VS_SIP_M_OPTIONS,
	IP_VS_SIP_M_PRACK,
	IP_VS_SIP_M_SUBSCRIBE,
	IP_VS_SIP_M_NOTIFY,
	IP_VS_SIP_M_PUBLISH,
	IP_VS_SIP_M_INFO,
	IP_VS_SIP_M_REFER,
	IP_VS_SIP_M_MESSAGE,
	IP_VS_SIP_M_UPDATE,
};

/* ip_vs_sip_msg.flags */
#define IP_VS_SIP_F_RESPONSE	0x01	/* status line "SIP/2.0 NNN ..." */
#define IP_VS_SIP_F_OVERSIZED	0x02	/* Call-ID > IP_VS_SIP_CALLID_MAX */
#define IP_VS_SIP_F_TRUNCATED	0x04	/* no end of headers within the scan */
#define IP_VS_SIP_F_TOOLONG	0x08	/* gave up at IP_VS_SIP_LINE_MAX or
					 * IP_VS_SIP_HDR_MAX
					 */

struct ip_vs_sip_msg {
	const u8	*callid;	/* points into the parsed buffer */
	u16		callid_len;	/* bytes (at most IP_VS_SIP_LINE_MAX);
					 * 0 = no Call-ID found
					 */
	u16		status;		/* response status, 0 for requests */
	u8		method;		/* enum ip_vs_sip_method: request-line
					 * method, or the CSeq method for
					 * responses
					 */
	u8		flags;		/* IP_VS_SIP_F_* */
};

/*
 * ip_vs_sip_parse - classify one SIP datagram
 * @buf: start of the UDP payload (may be NULL when @len is 0)
 * @len: bytes of the datagram at @buf, all of it. Never read at or past
 *       @len (nor past IP_VS_SIP_HDR_MAX).
 * @msg: result, fully written on every return
 *
 * Return: 0 when a Call-ID was found (msg->callid, msg->callid_len set),
 * -ENOENT when the datagram has no usable Call-ID (not SIP, keepalive,
 * garbage, header missing or empty, truncated before the value ended, a
 * header longer than IP_VS_SIP_LINE_MAX).
 *
 * On -ENOENT msg->callid is NULL and msg->callid_len 0. When the start line
 * was a valid request or status line, method, status and the RESPONSE,
 * TRUNCATED and TOOLONG flags are still reported; for anything that is not
 * SIP (including control bytes in the header section outside a quoted-pair)
 * all of @msg is zero, except the TOOLONG flag when the start line was
 * longer than IP_VS_SIP_LINE_MAX. The exact rules are documented in
 * ip_vs_sip_parse.c.
 */
int ip_vs_sip_parse(const u8 *buf, size_t len, struct ip_vs_sip_msg *msg);

/*
 * ip_vs_sip_parse_chunks - classify one SIP datagram that is not in one
 * buffer
 * @head: its first @headlen bytes (may be NULL when @headlen is 0)
 * @headlen: bytes at @head (more than @total is taken as @total)
 * @total: bytes of the whole datagram
 * @copy: copies @len bytes at datagram offset @off to @to; nonzero on error
 * @ctx: for @copy
 * @win: scratch buffer for the copies, @winlen >= IP_VS_SIP_WIN_MIN bytes
 * @msg: result, as from ip_vs_sip_parse() on the whole datagram
 *
 * Parses @head in place and, when the answer is not in it, goes on with
 * windows of the rest, copied into @win by @copy: only the bytes the
 * parse needs, each window at most @winlen bytes, one after the other. The
 * result is the same as ip_vs_sip_parse() on the datagram in one buffer;
 * msg->callid points into @head when the key lies within it, else into
 * @win.
 *
 * Return: as ip_vs_sip_parse(); -EINVAL (@msg all zero) when @winlen is too
 * small, -ENOENT (@msg all zero) when @copy fails.
 */
int ip_vs_sip_parse_chunks(const u8 *head, size_t headlen, size_t total,
			   int (*copy)(void *ctx, size_t off, u8 *to,
				       size_t len),
			   void *ctx, u8 *win, size_t winlen,
			   struct ip_vs_sip_msg *msg);

/* Name of a method, for tools and logs. */
const char *ip_vs_sip_method_name(u8 method);

#endif /* IP_VS_SIP_PARSE_H */
